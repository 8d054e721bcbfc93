import Foundation
import Hummingbird
import Logging
import NIOCore
import RapportServices
import RapportStore
import RapportWorkers

/// How the HTTP side is set up, read once by the `rapport` command.
public struct HTTPSettings: Sendable {
    public var host: String
    public var port: Int
    /// Mark cookies `Secure` (set when Rapport is served behind TLS).
    public var secureCookies: Bool
    public var resources: ResourceFiles

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
                resources: ResourceFiles = .bundled()) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.resources = resources
    }
}

/// Every use case, built once from the environment.
public struct ServiceSet: Sendable {
    public let env: ServiceEnvironment
    public let auth: AuthService
    public let users: UserService
    public let departments: DepartmentService
    public let roles: RoleService
    public let tokens: TokenService
    public let settings: SettingsService
    public let events: EventService
    public let setup: SetupService
    public let maintenance: MaintenanceService
    public let companies: CompanyService
    public let contacts: ContactService
    public let relationships: RelationshipService
    public let merge: MergeService
    public let export: ExportService
    public let search: SearchService
    public let savedViews: SavedViewService
    public let customFields: CustomFieldService
    public let attachments: AttachmentService
    public let jobs: JobQueue
    public let imports: ImportService
    public let tasks: TaskService
    public let interactions: InteractionService
    public let calendar: CalendarService
    public let notifications: NotificationService
    public let timers: TimerService
    public let workCalendar: WorkCalendarService
    public let calendarFeeds: CalendarFeedService
    public let pipelines: PipelineService
    public let leads: LeadService
    public let deals: DealService
    public let boards: BoardService
    public let routing: RoutingService
    public let integrations: IntegrationService
    public let telephony: TelephonyService
    public let serviceLevels: ServiceLevelService
    public let webForms: WebFormService
    public let visits: VisitService
    public let callLists: CallListService
    public let templates: TemplateService
    public let outbox: OutboxService
    public let webhooks: WebhookService
    public let messages: MessageService
    public let documents: DocumentService

    public init(env: ServiceEnvironment) {
        self.env = env
        auth = AuthService(env: env)
        users = UserService(env: env)
        departments = DepartmentService(env: env)
        roles = RoleService(env: env)
        tokens = TokenService(env: env)
        settings = SettingsService(env: env)
        events = EventService(env: env)
        setup = SetupService(env: env)
        maintenance = MaintenanceService(env: env)
        companies = CompanyService(env: env)
        contacts = ContactService(env: env)
        relationships = RelationshipService(env: env)
        merge = MergeService(env: env)
        export = ExportService(env: env)
        search = SearchService(env: env)
        savedViews = SavedViewService(env: env)
        customFields = CustomFieldService(env: env)
        attachments = AttachmentService(env: env)
        jobs = JobQueue(env: env)
        imports = ImportService(env: env)
        tasks = TaskService(env: env)
        interactions = InteractionService(env: env)
        calendar = CalendarService(env: env)
        notifications = NotificationService(env: env)
        timers = TimerService(env: env)
        workCalendar = WorkCalendarService(env: env)
        calendarFeeds = CalendarFeedService(env: env)
        pipelines = PipelineService(env: env)
        leads = LeadService(env: env)
        deals = DealService(env: env)
        boards = BoardService(env: env)
        routing = RoutingService(env: env)
        integrations = IntegrationService(env: env)
        telephony = TelephonyService(env: env)
        serviceLevels = ServiceLevelService(env: env)
        webForms = WebFormService(env: env)
        visits = VisitService(env: env)
        callLists = CallListService(env: env)
        templates = TemplateService(env: env)
        outbox = OutboxService(env: env)
        webhooks = WebhookService(env: env)
        messages = MessageService(env: env)
        documents = DocumentService(env: env)
    }
}

/// Builds the router: middleware, the JSON API, the pages, the machine endpoints.
public func buildRouter(settings: HTTPSettings, services: ServiceSet) async throws -> Router<RapportRequestContext> {
    let pages = try await PageRenderer(resources: settings.resources, settings: services.settings,
                                       notifications: services.notifications, secureCookies: settings.secureCookies)
    let openAPI = ByteBuffer(bytes: try settings.resources.read("openapi.json"))
    _ = MetricsRegistry.shared  // the metrics backend must exist before the first request is counted
    let router = Router(context: RapportRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware(renderPage: { entry, request, context in
        pages.errorPage(entry, request: request, context: context)
    }))
    router.add(middleware: AuthMiddleware(auth: services.auth))

    OperationsRoutes(database: services.env.database, openAPI: openAPI).register(on: router)
    try StaticAssets(resources: settings.resources).register(on: router)
    SignInPages(pages: pages, auth: services.auth, setup: services.setup, users: services.users).register(on: router)
    CalendarFeedRoute(feeds: services.calendarFeeds, secureCookies: settings.secureCookies).register(on: router)
    WebFormPublicPages(pages: pages, forms: services.webForms, settings: services.settings).register(on: router)

    let api = router.group("api/v1")
        .add(middleware: RequireSignIn(mode: .api))
        .add(middleware: IdempotencyMiddleware(database: services.env.database, clock: services.env.clock))
    UsersAPI(users: services.users).register(on: api)
    DepartmentsAPI(departments: services.departments).register(on: api)
    RolesAPI(roles: services.roles).register(on: api)
    TokensAPI(tokens: services.tokens).register(on: api)
    SettingsAPI(settings: services.settings).register(on: api)
    EventsAPI(events: services.events).register(on: api)
    let clientsAPI = ClientsAPI(companies: services.companies, contacts: services.contacts, fields: services.customFields)
    CustomFieldsAPI(fields: services.customFields).register(on: api)
    AttachmentsAPI(attachments: services.attachments).register(on: api)
    ImportsAPI(imports: services.imports).register(on: api)
    clientsAPI.register(on: api)
    ExportAPI(export: services.export, clients: clientsAPI).register(on: api)
    SearchAPI(search: services.search).register(on: api)
    SavedViewsAPI(views: services.savedViews).register(on: api)
    TasksAPI(tasks: services.tasks, clock: services.env.clock).register(on: api)
    InteractionsAPI(interactions: services.interactions, clock: services.env.clock).register(on: api)
    NotificationsAPI(notifications: services.notifications).register(on: api)
    WorkCalendarAPI(calendar: services.workCalendar).register(on: api)
    RelationshipsAPI(relationships: services.relationships).register(on: api)
    MergeAPI(merge: services.merge, clients: clientsAPI).register(on: api)
    PipelinesAPI(pipelines: services.pipelines, boards: services.boards, settings: services.settings).register(on: api)
    RoutingRulesAPI(routing: services.routing).register(on: api)
    ServiceLevelsAPI(levels: services.serviceLevels).register(on: api)
    WebFormsAPI(forms: services.webForms).register(on: api)
    VisitsAPI(visits: services.visits, maxUpload: services.attachments.maxBytes).register(on: api)
    let telephony = TelephonyAPI(integrations: services.integrations, telephony: services.telephony,
                                 inbound: InboundLeadService(env: services.env))
    telephony.register(on: api)
    telephony.registerDial(on: api)
    CallListsAPI(callLists: services.callLists, views: services.savedViews).register(on: api)
    TemplatesAPI(templates: services.templates).register(on: api)
    WebhooksAPI(webhooks: services.webhooks).register(on: api)
    let messages = MessagesAPI(outbox: services.outbox, messages: services.messages)
    messages.register(on: api)
    messages.registerReports(on: router.group("api/v1"))
    telephony.registerWebhook(on: router.group("api/v1"))
    DocumentsAPI(documents: services.documents).register(on: api)
    InboundMailAPI(inbound: InboundMailService(env: services.env)).register(on: api)
    LeadsAPI(leads: services.leads).register(on: api)
    DealsAPI(deals: services.deals).register(on: api)

    let web = router.group().add(middleware: RequireSignIn(mode: .page))
    BoardPages(pages: pages, boards: services.boards, pipelines: services.pipelines, leads: services.leads, deals: services.deals,
               settings: services.settings,
               support: ClientPageSupport(pages: pages, users: services.users, fields: services.customFields)).register(on: web)
    UserPages(pages: pages, users: services.users, departments: services.departments, roles: services.roles)
        .register(on: web)
    DepartmentPages(pages: pages, departments: services.departments, users: services.users).register(on: web)
    RolePages(pages: pages, roles: services.roles, users: services.users).register(on: web)
    SettingsPages(pages: pages, settings: services.settings).register(on: web)
    CustomFieldPages(pages: pages, fields: services.customFields).register(on: web)
    WebFormAdminPages(pages: pages, forms: services.webForms, fields: services.customFields).register(on: web)
    DialPages(pages: pages, telephony: services.telephony).register(on: web)
    TemplatePages(pages: pages, templates: services.templates).register(on: web)
    WebhookPages(pages: pages, webhooks: services.webhooks).register(on: web)
    DeliveryPages(pages: pages, integrations: services.integrations).register(on: web)
    CallListPages(pages: pages, callLists: services.callLists, views: services.savedViews, telephony: services.telephony)
        .register(on: web)
    DistributionPages(pages: pages, routing: services.routing, levels: services.serviceLevels, integrations: services.integrations,
                      pipelines: services.pipelines, users: services.users, departments: services.departments,
                      roles: services.roles).register(on: web)
    PipelineSettingsPages(pages: pages, pipelines: services.pipelines,
                          support: ClientPageSupport(pages: pages, users: services.users, fields: services.customFields),
                          roles: services.roles).register(on: web)
    AuditPage(pages: pages, events: services.events, users: services.users).register(on: web)
    AccountPages(pages: pages, auth: services.auth, tokens: services.tokens, feeds: services.calendarFeeds,
                 notifications: services.notifications, secureCookies: settings.secureCookies).register(on: web)
    let clientSupport = ClientPageSupport(pages: pages, users: services.users, fields: services.customFields)
    let ties = RelationshipPages(pages: pages, relationships: services.relationships, companies: services.companies,
                                 contacts: services.contacts)
    ties.register(on: web)
    SearchPage(pages: pages, search: services.search).register(on: web)
    MergePages(pages: pages, merge: services.merge, companies: services.companies, contacts: services.contacts,
               support: clientSupport).register(on: web)
    let views = SavedViewPages(pages: pages, views: services.savedViews)
    views.register(on: web)
    ImportPages(pages: pages, imports: services.imports, fields: services.customFields).register(on: web)
    let files = AttachmentPages(pages: pages, attachments: services.attachments)
    files.register(on: web)
    let taskCard = RecordTasksCard(pages: pages, tasks: services.tasks, clock: services.env.clock)
    let interactionPages = InteractionPages(pages: pages, interactions: services.interactions, support: clientSupport,
                                            clock: services.env.clock)
    interactionPages.register(on: web)
    let interactionCard = RecordInteractionsCard(pages: interactionPages, telephony: services.telephony)
    let messagesCard = MessagesCard(pages: pages, outbox: services.outbox, messages: services.messages, attachments: services.attachments)
    messagesCard.register(on: web)
    let documentsCard = DocumentsCard(pages: pages, documents: services.documents, messages: services.messages)
    documentsCard.register(on: web)
    let visitPages = VisitPages(pages: pages, visits: services.visits, users: services.users, leads: services.leads,
                                deals: services.deals, clock: services.env.clock, maxUpload: services.attachments.maxBytes)
    visitPages.register(on: web)
    PipelineRecordPages(pages: pages, pipelines: services.pipelines, leads: services.leads, deals: services.deals,
                        companies: services.companies, contacts: services.contacts, support: clientSupport, tasksCard: taskCard,
                        interactionCard: interactionCard, visitPages: visitPages, files: files, messages: messagesCard,
                        documents: documentsCard).register(on: web)
    CompanyPages(pages: pages, companies: services.companies, contacts: services.contacts, support: clientSupport,
                 ties: ties, views: views, files: files, taskCard: taskCard, interactionCard: interactionCard).register(on: web)
    ContactPages(pages: pages, contacts: services.contacts, companies: services.companies, support: clientSupport,
                 ties: ties, views: views, files: files, taskCard: taskCard, interactionCard: interactionCard).register(on: web)
    let panel = DesktopClientPanel(pages: pages, companies: services.companies, contacts: services.contacts,
                                   taskCard: taskCard, interactionCard: interactionCard)
    HomePage(pages: pages, users: services.users, departments: services.departments, roles: services.roles,
             events: services.events, tasks: services.tasks, interactions: services.interactions, panel: panel,
             support: clientSupport, clock: services.env.clock).register(on: web)
    TaskPages(pages: pages, tasks: services.tasks, support: clientSupport, clock: services.env.clock).register(on: web)
    CalendarPages(pages: pages, calendar: services.calendar, users: services.users, departments: services.departments,
                  support: clientSupport, clock: services.env.clock).register(on: web)
    NotificationPages(pages: pages, notifications: services.notifications).register(on: web)
    WorkCalendarPages(pages: pages, calendar: services.workCalendar).register(on: web)
    return router
}

/// Builds the whole application: the router, the server settings, and the background
/// workers that run beside it and stop with it.
public func buildApplication(settings: HTTPSettings, services: ServiceSet, logger: Logger) async throws
    -> some ApplicationProtocol
{
    let router = try await buildRouter(settings: settings, services: services)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Rapport"),
        logger: logger)
    app.addServices(MaintenanceWorker(maintenance: services.maintenance, logger: logger))
    app.addServices(JobWorker(queue: services.jobs, handlers: [services.imports], logger: logger))
    app.addServices(TimerWorker(timers: services.timers, logger: logger))
    app.addServices(OutboxWorker(outbox: services.outbox, logger: logger))
    return app
}
