import ArgumentParser
import OversightServer
import Testing

@testable import oversight

/// One settings table: every setting has a flag, and the command line offers exactly the
/// flags the table declares, each landing on its own setting.
struct SettingsFlagsTests {
    @Test func everySettingHasAWorkingFlag() throws {
        for (path, flag) in ServiceSettings.flags {
            let options = try SettingsOptions.parse([flag, "value-for-\(path)"])
            #expect(options.commandLine == [path: "value-for-\(path)"], "\(flag)")
        }
    }

    @Test func theCommandLineOffersNoFlagTheTableLacks() throws {
        let declared = Set(ServiceSettings.flags.map(\.flag)).union(["--config", "--help", "-h"])
        let help = SettingsOptions.helpMessage(columns: 400)
        let offered = Set(
            help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }).filter { $0.hasPrefix("--") || $0 == "-h" }.map(String.init))
        #expect(offered.subtracting(declared).isEmpty, "\(offered.subtracting(declared))")
        #expect(declared.subtracting(["-h", "--help"]).isSubset(of: offered))
    }
}
