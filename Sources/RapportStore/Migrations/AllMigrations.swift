/// Every migration, in order. The only list of them.
public enum AllMigrations {
    public static let list: [any Migration] = [
        M0001_Foundation(),
        M0002_Clients(),
        M0003_Search(),
        M0004_SavedViews(),
        M0005_CustomFields(),
        M0006_SimilarNames(),
        M0007_Attachments(),
        M0008_Jobs(),
        M0009_Imports(),
        M0010_FTSRowIDs(),
        M0011_ListIndexes(),
        M0012_Tasks(),
        M0013_NearestNames(),
        M0014_TimersAndNotifications(),
        M0015_WorkCalendar(),
        M0016_CalendarFeeds(),
        M0017_NotificationSettings(),
        M0018_Interactions(),
        M0019_OpenTasksByOwner(),
        M0020_NameRunsIndex(),
        M0021_PhonelessNames(),
        M0022_NameVariants(),
        M0023_Pipelines(),
        M0024_EventsByEntity(),
    ]
}
