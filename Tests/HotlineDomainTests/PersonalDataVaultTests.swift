import Foundation
import HotlineDomain
import HotlineWorkers
import Testing

/// Callers' personal data is sealed at rest (长沙 第十五条 "诉求人要求隐匿个人信息的，市政务热线中心
/// 应对诉求人信息进行加密处理"; 兰溪 四.3) and lifecycle topics never carry it.
@Suite struct PersonalDataVaultTests {
    static func base64Key(_ byte: UInt8, count: Int = 32) -> String {
        Data((0..<count).map { UInt8(truncatingIfNeeded: Int(byte) &+ $0) }).base64EncodedString()
    }

    static let baseEnvironment = [
        "KAFKA_BROKERS": "localhost:9092",
        "DATABASE_URL": "postgres://hotline@localhost:5432/hotline",
    ]

    static func environment(_ extra: [String: String]) -> [String: String] {
        baseEnvironment.merging(extra) { _, new in new }
    }

    static let productionKeys = environment([
        "HOTLINE_DATA_KEY": "k1:" + base64Key(1),
        "HOTLINE_INDEX_KEY": base64Key(100),
    ])

    static func vault(_ environment: [String: String] = productionKeys) throws -> PersonalDataVault {
        PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(environment).keys)
    }

    let caller = Caller(
        name: "刘建华", phone: "13874812345", idNumber: "430104198506121238",
        address: "长沙市岳麓区望月湖街道望月湖小区7片12栋302室", confidential: true)
    let caseID = UUID(uuidString: "8d0f5a9e-3c41-4b7a-9f0e-2d6c1b4a7e55")!

    func configurationError(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try HotlineConfiguration.fromEnvironment(environment)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func sealThenOpenGivesTheCallerBack() throws {
        let vault = try Self.vault()
        #expect(vault.activeKeyID == "k1")
        let sealed = try vault.seal(caller, caseID: caseID)
        #expect(try vault.open(sealed, keyID: "k1", caseID: caseID) == caller)
    }

    @Test func aSealedBlobCannotBeMovedToAnotherCase() throws {
        // The case id is authenticated data (AES-GCM AAD).
        let vault = try Self.vault()
        let sealed = try vault.seal(caller, caseID: caseID)
        #expect(throws: (any Error).self) { try vault.open(sealed, keyID: "k1", caseID: UUID()) }
    }

    @Test func aTamperedBlobIsRefused() throws {
        let vault = try Self.vault()
        var sealed = try vault.seal(caller, caseID: caseID)
        sealed[sealed.count / 2] ^= 0x01
        #expect(throws: (any Error).self) { try vault.open(sealed, keyID: "k1", caseID: self.caseID) }
    }

    @Test func sealedBytesDoNotContainThePersonalData() throws {
        let sealed = try Self.vault().seal(caller, caseID: caseID)
        for secret in ["13874812345", "刘建华", "430104198506121238", "望月湖小区"] {
            let needle = Array(secret.utf8)
            let found = sealed.indices.dropLast(needle.count - 1).contains { Array(sealed[$0..<$0 + needle.count]) == needle }
            #expect(!found, "\(secret) appears in the sealed bytes")
        }
    }

    @Test func sealingTwiceGivesDifferentBytes() throws {
        // A fresh nonce each time: equal callers are not recognisable from the stored blobs.
        let vault = try Self.vault()
        #expect(try vault.seal(caller, caseID: caseID) != vault.seal(caller, caseID: caseID))
    }

    @Test func aRotatedKeyStillOpensOldData() throws {
        let sealed = try Self.vault().seal(caller, caseID: caseID)
        let rotated = try Self.vault(Self.environment([
            "HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2),
            "HOTLINE_DATA_KEYS_PREVIOUS": "k1:" + Self.base64Key(1),
            "HOTLINE_INDEX_KEY": Self.base64Key(100),
        ]))
        #expect(rotated.activeKeyID == "k2")
        #expect(try rotated.open(sealed, keyID: "k1", caseID: caseID) == caller)
        // Without the old key it cannot be read, and the error names the key.
        let forgotten = try Self.vault(Self.environment([
            "HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2), "HOTLINE_INDEX_KEY": Self.base64Key(100),
        ]))
        do {
            _ = try forgotten.open(sealed, keyID: "k1", caseID: caseID)
            Issue.record("opened with a key that is not configured")
        } catch let error as VaultError {
            #expect(error.description.contains("'k1'"))
        }
    }

    @Test func phoneIndexIgnoresFormatting() throws {
        let vault = try Self.vault()
        let plain = try #require(vault.phoneIndex(Caller(phone: "13800001111")))
        #expect(vault.phoneIndex(Caller(phone: "138-0000-1111")) == plain)
        #expect(vault.phoneIndex(Caller(phone: "13800001112")) != plain)
        #expect(vault.phoneIndex(Caller(name: "匿名")) == nil)
        #expect(plain.count == 32)
    }

    @Test func phoneIndexDependsOnTheIndexKey() throws {
        // A keyed HMAC, not a plain hash anyone could compute from a phone number list.
        let other = try Self.vault(Self.environment(["HOTLINE_DATA_KEY": "k1:" + Self.base64Key(1), "HOTLINE_INDEX_KEY": Self.base64Key(200)]))
        let phone = Caller(phone: "13800001111")
        #expect(try Self.vault().phoneIndex(phone) != other.phoneIndex(phone))
    }

    // MARK: Key configuration

    @Test func aMissingDataKeyStopsAProductionWorker() {
        let error = configurationError(Self.environment(["HOTLINE_INDEX_KEY": Self.base64Key(100)]))
        #expect(error?.setting == "HOTLINE_DATA_KEY")
    }

    @Test func aMissingIndexKeyStopsAProductionWorker() {
        let error = configurationError(Self.environment(["HOTLINE_DATA_KEY": "k1:" + Self.base64Key(1)]))
        #expect(error?.setting == "HOTLINE_INDEX_KEY")
    }

    @Test func devModeRunsWithPublicDevKeys() throws {
        let configuration = try HotlineConfiguration.fromEnvironment(Self.environment(["HOTLINE_DEV_MODE": "1"]))
        #expect(configuration.devMode)
        #expect(configuration.keys.active.id == "dev-insecure")
        let vault = PersonalDataVault(keys: configuration.keys)
        let sealed = try vault.seal(caller, caseID: caseID)
        #expect(try vault.open(sealed, keyID: "dev-insecure", caseID: caseID) == caller)
        #expect(vault.phoneIndex(Caller(phone: "138-0000-1111")) == vault.phoneIndex(Caller(phone: "13800001111")))
    }

    @Test(arguments: [
        "k1:" + base64Key(1, count: 16),   // 16 bytes, not 32
        "k1:" + base64Key(1, count: 33),
        "k1:not base64!",
        base64Key(1),                       // no key id
        ":" + base64Key(1),                 // empty key id
    ])
    func aMalformedDataKeyIsRefused(key: String) {
        #expect(configurationError(Self.environment(["HOTLINE_DATA_KEY": key, "HOTLINE_INDEX_KEY": Self.base64Key(100)]))?.setting
            == "HOTLINE_DATA_KEY")
        // Dev mode does not paper over a wrong key either.
        #expect(configurationError(Self.environment(["HOTLINE_DATA_KEY": key, "HOTLINE_DEV_MODE": "1"]))?.setting
            == "HOTLINE_DATA_KEY")
    }

    @Test func malformedPreviousAndIndexKeysAreRefused() {
        let previous = configurationError(Self.environment([
            "HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2), "HOTLINE_INDEX_KEY": Self.base64Key(100),
            "HOTLINE_DATA_KEYS_PREVIOUS": "k1:" + Self.base64Key(1) + ",k0:short",
        ]))
        #expect(previous?.setting == "HOTLINE_DATA_KEYS_PREVIOUS")
        let index = configurationError(Self.environment([
            "HOTLINE_DATA_KEY": "k1:" + Self.base64Key(1), "HOTLINE_INDEX_KEY": Self.base64Key(100, count: 16),
        ]))
        #expect(index?.setting == "HOTLINE_INDEX_KEY")
    }
}

/// ServiceLifecycle logs the services a worker starts with `String(describing:)` at debug
/// level; the keys those services hold must never show in that text.
@Suite struct KeyRedactionTests {
    @Test func keysPrintByIdOnly() throws {
        let keys = try HotlineConfiguration.fromEnvironment(PersonalDataVaultTests.productionKeys).keys
        for text in [String(describing: keys), String(reflecting: keys), String(describing: PersonalDataVault(keys: keys))] {
            #expect(text.contains("k1"))
            #expect(!text.contains(keys.active.key.map(String.init).joined(separator: ", ")), "the data key's bytes")
            #expect(!text.contains(keys.indexKey.map(String.init).joined(separator: ", ")), "the index key's bytes")
        }
    }
}
