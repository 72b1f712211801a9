import Foundation
import OversightStore

/// Where anonymous intake's receipt salt comes from: `OVERSIGHT_INTAKE_SALT`, or with the
/// private database a development salt made on first use beside its data (owner-only). With a
/// database of your own and no salt, anonymous intake is off: a salt made up per process
/// would orphan every receipt at the next start.
enum IntakeSetup {
    static func desk(_ settings: ServiceSettings, store: CaseStore) throws -> IntakeDesk? {
        let salt: String
        if let configured = settings.intakeSalt {
            salt = configured
        } else if let development = DatabaseRuntime.developmentSecretFile(settings) {
            let path = (development as NSString).deletingLastPathComponent + "/intake-salt"
            salt = try TokenKeys.developmentSecret(at: path, what: "the development intake salt")
        } else {
            return nil
        }
        return IntakeDesk(
            store: store, hasher: ReceiptHasher(salt: Array(salt.utf8), log2Rounds: settings.intakeReceiptCost),
            sessionLifetime: .seconds(settings.intakeSessionMinutes * 60))
    }
}
