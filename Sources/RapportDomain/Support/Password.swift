/// Rules a new password must meet.
public enum PasswordPolicy {
    public static let minLength = 8
    public static let maxLength = 72  // bcrypt ignores bytes past 72

    /// Adds a field error under `field` when `password` is too short or too long.
    public static func check(_ password: String, field: String, into validator: inout Validator) {
        if password.count < minLength {
            validator.add(field, "too_short", "password must be at least \(minLength) characters")
        } else if password.utf8.count > maxLength {
            validator.add(field, "too_long", "password must be at most \(maxLength) bytes")
        }
    }
}
