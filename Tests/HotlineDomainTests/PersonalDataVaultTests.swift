import Crypto
import Foundation
import HotlineDomain
import HotlinePostgres
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
        try PersonalDataVault(keys: try HotlineConfiguration.fromEnvironment(environment).keys)
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

    let subject = "噪音扰民"
    let content = "望月湖小区7片楼下的工地每天夜里施工到凌晨两点，影响休息，请尽快处理。"

    func sealed(_ vault: PersonalDataVault) throws -> SealedCase {
        try vault.sealNewCase(caseID, caller: caller, subject: subject, content: content)
    }

    /// A case's caller and appeal are sealed under a data key of its own, itself kept only
    /// wrapped under the key-encryption key (issue 20 item 3, migration 0030).
    @Test func aCaseIsSealedUnderItsOwnDataKey() throws {
        let vault = try Self.vault()
        let sealed = try sealed(vault)
        #expect(sealed.callerKeyID == SealedCase.caseKeyID && sealed.dataKey?.keyID == "k1")
        #expect(sealed.clearSubject == nil && sealed.clearContent == nil)
        #expect(try vault.caller(of: sealed) == caller)
        let appeal = try #require(try vault.appeal(of: sealed))
        #expect(appeal.subject == subject && appeal.content == content)
        #expect(try vault.text(of: sealed) == "\(subject)\n\(content)", "the text the repeat and routing rules read, as IntakeEvent.text")
    }

    @Test func aSealedCaseCannotBeMovedToAnotherCase() throws {
        // The case id is authenticated data (AES-GCM AAD) of the wrapped key and of each blob.
        let vault = try Self.vault()
        var moved = try sealed(vault)
        moved.caseID = UUID()
        #expect(throws: (any Error).self) { try vault.caller(of: moved) }
        #expect(throws: (any Error).self) { try vault.appeal(of: moved) }
    }

    @Test func oneCasesBlobsDoNotOpenUnderAnotherCasesKeyOrInAnotherPlace() throws {
        let vault = try Self.vault()
        let first = try sealed(vault)
        var second = try vault.sealNewCase(caseID, caller: Caller(phone: "13900000000"), subject: nil, content: "另一件事")
        second.appealSealed = first.appealSealed
        #expect(throws: (any Error).self, "another key of the same case id does not open it") { try vault.appeal(of: second) }
        var swapped = first
        swapped.appealSealed = first.callerSealed
        #expect(throws: (any Error).self, "the caller's blob does not stand in for the appeal") { try vault.appeal(of: swapped) }
    }

    @Test func aTamperedBlobIsRefused() throws {
        let vault = try Self.vault()
        var tampered = try sealed(vault)
        tampered.callerSealed[tampered.callerSealed.count / 2] ^= 0x01
        #expect(throws: (any Error).self) { try vault.caller(of: tampered) }
        var wrapped = try sealed(vault)
        wrapped.dataKey?.wrapped[4] ^= 0x01
        #expect(throws: (any Error).self) { try vault.appeal(of: wrapped) }
    }

    @Test func sealedBytesDoNotContainThePersonalData() throws {
        let sealed = try sealed(Self.vault())
        for bytes in [sealed.callerSealed, sealed.appealSealed ?? [], sealed.dataKey?.wrapped ?? []] {
            for secret in ["13874812345", "刘建华", "430104198506121238", "望月湖小区", "噪音扰民", "凌晨两点"] {
                let needle = Array(secret.utf8)
                let found = bytes.indices.dropLast(needle.count - 1).contains { Array(bytes[$0..<$0 + needle.count]) == needle }
                #expect(!found, "\(secret) appears in the sealed bytes")
            }
        }
    }

    @Test func sealingTwiceGivesDifferentKeysAndBytes() throws {
        // A fresh data key and nonce each time: equal callers are not recognisable from the stored blobs.
        let vault = try Self.vault()
        let first = try sealed(vault)
        let second = try sealed(vault)
        #expect(first.dataKey != second.dataKey && first.callerSealed != second.callerSealed && first.appealSealed != second.appealSealed)
    }

    /// 《个人信息保护法》第四十七条: once its data key is destroyed, nothing opens a case, with any key.
    @Test func aShreddedCaseOpensNoMore() throws {
        let vault = try Self.vault()
        var shredded = try sealed(vault)
        shredded.dataKey = nil
        shredded.shredded = true
        #expect(throws: VaultError.self) { try vault.caller(of: shredded) }
        #expect(try vault.appeal(of: shredded) == nil)
        #expect(try vault.text(of: shredded) == "", "the repeat rule reads a shredded case as empty")
    }

    /// A citizen's callback comment goes with its case: sealed under the case's data key, it
    /// opens with that key and is gone once the case is shredded.
    @Test func aCommentIsSealedUnderItsCasesKey() throws {
        let vault = try Self.vault()
        let sealed = try sealed(vault)
        let comment = try vault.seal(comment: "李女士说路已修好", caseID: caseID, dataKey: sealed.dataKey)
        #expect(comment.keyID == SealedCase.caseKeyID)
        #expect(try vault.open(comment: comment, caseID: caseID, dataKey: sealed.dataKey) == "李女士说路已修好")
        #expect(throws: VaultError.self) { try vault.open(comment: comment, caseID: self.caseID, dataKey: nil) }
        var swapped = sealed
        swapped.appealSealed = comment.sealed
        #expect(throws: (any Error).self, "a comment does not stand in for the appeal") { try vault.appeal(of: swapped) }
        let older = try vault.seal(comment: "旧案的意见", caseID: caseID, dataKey: nil)
        #expect(older.keyID == "k1", "a case from before migration 0030 seals it under the key-encryption key")
        #expect(try vault.open(comment: older, caseID: caseID, dataKey: nil) == "旧案的意见")
    }

    /// What a unit or the centre writes into the history (issue 20 item 3, migration 0035):
    /// the free-text members are sealed under the case's data key, the rest stays readable,
    /// and the sealed texts open for that case only, and no more once it is shredded.
    @Test func aHistoryRowsFreeTextIsSealedUnderItsCasesKey() throws {
        let vault = try Self.vault()
        let sealed = try sealed(vault)
        let detail = try vault.sealingFreeText(in: ["reason": "已联系刘建华现场处理", "outcome": "resolved", "round": "1"], of: sealed)
        #expect(detail["reason"] == nil && detail["outcome"] == "resolved" && detail["round"] == "1")
        #expect(detail[HistoryFreeText.sealedKeyMember] == SealedCase.caseKeyID)
        let stored = try #require(StoredHistoryText(
            clear: detail["reason"], sealed: detail[HistoryFreeText.sealedMember], keyID: detail[HistoryFreeText.sealedKeyMember]))
        #expect(try vault.open(stored, member: "reason", of: sealed) == "已联系刘建华现场处理")
        #expect(try vault.open(.clear("旧行的回复"), member: "reason", of: sealed) == "旧行的回复", "a row from before migration 0035 reads as stored")
        let other = try vault.sealNewCase(UUID(), caller: caller, subject: nil, content: "另一件事")
        #expect(throws: (any Error).self, "another case's key does not open it") { try vault.open(stored, member: "reason", of: other) }
        var shredded = sealed
        shredded.dataKey = nil
        shredded.shredded = true
        #expect(try vault.open(stored, member: "reason", of: shredded) == nil)
        #expect(try vault.sealingFreeText(in: ["reason": "新意见", "outcome": "resolved"], of: shredded) == ["outcome": "resolved"],
                "a shredded case's new rows keep no free text")
        #expect(try vault.sealingFreeText(in: ["outcome": "resolved"], of: sealed) == ["outcome": "resolved"], "nothing to seal, nothing added")
    }

    /// The unit's reply for the citizens' lookup: sealed under a key intake derives from the
    /// lookup key, the case id and its query code; the lookup opens it with the right code only.
    @Test func aReplyForTheLookupOpensWithTheCasesQueryCodeOnly() throws {
        let lookupKey = KeyConfiguration.DataKey(id: "l1", key: Array(repeating: 7, count: 32))
        let issuer = QueryCodeIssuer(codeKey: Array(repeating: 9, count: 32), lookupKey: lookupKey)
        let vault = try Self.vault()
        let sealed = try vault.sealNewCase(caseID, caller: caller, subject: nil, content: content, lookupReplyKey: issuer.replyKey(for: caseID))
        let reply = try #require(try vault.sealLookupReply("路面已修复", of: sealed))
        let verifier = QueryCodeVerifier(keys: [lookupKey])
        let stored = issuer.verifier(for: caseID)
        let key = try #require(verifier.replyKey(issuer.code(for: caseID), of: stored))
        #expect(try LookupReplySealing.open(reply, with: key, caseID: caseID) == "路面已修复")
        let wrongCode = QueryCode(derivedFrom: UInt64(issuer.code(for: caseID).digits)! + 1)
        #expect(throws: (any Error).self) { try LookupReplySealing.open(reply, with: verifier.replyKey(wrongCode, of: stored)!, caseID: self.caseID) }
        #expect(try vault.sealLookupReply("路面已修复", of: try self.sealed(vault)) == nil, "a case without a lookup key gets no sealed reply")
    }

    @Test func aRotatedKeyStillOpensOldDataAndRewrapsItsKey() throws {
        let sealed = try sealed(Self.vault())
        let rotated = try Self.vault(Self.environment([
            "HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2),
            "HOTLINE_DATA_KEYS_PREVIOUS": "k1:" + Self.base64Key(1),
            "HOTLINE_INDEX_KEY": Self.base64Key(100),
        ]))
        #expect(rotated.activeKeyID == "k2")
        #expect(try rotated.caller(of: sealed) == caller)
        var rewrapped = sealed
        rewrapped.dataKey = try rotated.rewrap(try #require(sealed.dataKey), caseID: caseID)
        #expect(rewrapped.dataKey?.keyID == "k2")
        // Without the old key the case is read only once re-wrapped, and the error names the key.
        let forgotten = try Self.vault(Self.environment([
            "HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2), "HOTLINE_INDEX_KEY": Self.base64Key(100),
        ]))
        #expect(try forgotten.caller(of: rewrapped) == caller)
        do {
            _ = try forgotten.caller(of: sealed)
            Issue.record("opened with a key that is not configured")
        } catch let error as VaultError {
            #expect(error.description.contains("'k1'"))
        }
    }

    /// A case accepted before migration 0030: its caller sealed directly under the
    /// key-encryption key (the case id as authenticated data), its text in clear.
    @Test func aCaseFromBeforeCaseKeysOpensAndGetsItsOwnKey() throws {
        let vault = try Self.vault()
        let box = try AES.GCM.seal(
            try JSONEncoder().encode(caller), using: SymmetricKey(data: try #require(Data(base64Encoded: Self.base64Key(1)))),
            authenticating: Data(caseID.uuidString.lowercased().utf8))
        let legacy = SealedCase(
            caseID: caseID, dataKey: nil, callerSealed: Array(try #require(box.combined)), callerKeyID: "k1", appealSealed: nil,
            clearSubject: subject, clearContent: content)
        #expect(try vault.caller(of: legacy) == caller)
        #expect(try vault.text(of: legacy) == "\(subject)\n\(content)")
        let own = try vault.ownKey(for: legacy)
        #expect(own.callerKeyID == SealedCase.caseKeyID && own.dataKey?.keyID == "k1" && own.clearContent == nil)
        #expect(try vault.caller(of: own) == caller && vault.text(of: own) == vault.text(of: legacy))
    }

    /// The text of an appeal not accepted (no case) has a data key of its own (migration 0037):
    /// a rotation re-wraps the key and leaves the sealed text alone; one sealed directly under
    /// the key-encryption key before migration 0037 still opens and is given a key.
    @Test func aTextNotAcceptedHasItsOwnDataKey() throws {
        let vault = try Self.vault()
        let request = IntakeRequestKey(channel: .phone, externalID: "CALL-9")
        let text = "株洲市某小区门口的路灯坏了"
        let sealed = try vault.seal(requestText: text, of: request)
        guard case let .own(dataKey) = sealed.key else { Issue.record("sealed without a data key"); return }
        #expect(dataKey.keyID == "k1" && sealed.keyID == "k1")
        #expect(try vault.open(requestText: sealed, of: request) == text)
        #expect(throws: (any Error).self, "bound to its request") {
            try vault.open(requestText: sealed, of: IntakeRequestKey(channel: .web, externalID: "CALL-9"))
        }
        #expect(try vault.seal(requestText: text, of: request).key != sealed.key, "a key per text")

        let rotated = try Self.vault(Self.environment([
            "HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2), "HOTLINE_DATA_KEYS_PREVIOUS": "k1:" + Self.base64Key(1),
            "HOTLINE_INDEX_KEY": Self.base64Key(100),
        ]))
        let rewrapped = try rotated.rotated(requestText: sealed, of: request)
        #expect(rewrapped.sealed == sealed.sealed && rewrapped.keyID == "k2", "only the data key is wrapped again")
        let newOnly = try Self.vault(Self.environment(["HOTLINE_DATA_KEY": "k2:" + Self.base64Key(2), "HOTLINE_INDEX_KEY": Self.base64Key(100)]))
        #expect(try newOnly.open(requestText: rewrapped, of: request) == text)

        let box = try AES.GCM.seal(
            Data(text.utf8), using: SymmetricKey(data: try #require(Data(base64Encoded: Self.base64Key(1)))),
            authenticating: Data("appeal-text:phone:CALL-9".utf8))
        let legacy = SealedRequestText(sealed: Array(try #require(box.combined)), key: .keyEncryptionKey("k1"))
        #expect(try vault.open(requestText: legacy, of: request) == text)
        let given = try rotated.rotated(requestText: legacy, of: request)
        guard case .own = given.key else { Issue.record("a text from before migration 0037 was not given a data key"); return }
        #expect(try newOnly.open(requestText: given, of: request) == text)
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

    /// Issue 20 item 3: only the processes that open personal data hold the key-encryption
    /// key. Without it a process still configures (the deadlines, supervision and relay
    /// workers need none), but no vault starts, and the error names the setting.
    @Test func aMissingDataKeyStopsOnlyWhatOpensPersonalData() throws {
        let keys = try HotlineConfiguration.fromEnvironment(Self.environment(["HOTLINE_INDEX_KEY": Self.base64Key(100)])).keys
        #expect(keys.active == nil)
        #expect(throws: ConfigurationError.self) { try PersonalDataVault(keys: keys) }
        do {
            _ = try PersonalDataVault(keys: keys)
        } catch let error as ConfigurationError {
            #expect(error.setting == "HOTLINE_DATA_KEY")
        }
        let none = try HotlineConfiguration.fromEnvironment(Self.baseEnvironment).keys
        #expect(none.active == nil && none.indexKey == nil, "a worker that opens nothing is given no key")
    }

    @Test func aMissingIndexKeyStopsTheVault() throws {
        let keys = try HotlineConfiguration.fromEnvironment(Self.environment(["HOTLINE_DATA_KEY": "k1:" + Self.base64Key(1)])).keys
        do {
            _ = try PersonalDataVault(keys: keys)
            Issue.record("a vault started without the index key")
        } catch let error as ConfigurationError {
            #expect(error.setting == "HOTLINE_INDEX_KEY")
        }
    }

    @Test func devModeRunsWithPublicDevKeys() throws {
        let configuration = try HotlineConfiguration.fromEnvironment(Self.environment(["HOTLINE_DEV_MODE": "1"]))
        #expect(configuration.devMode)
        #expect(configuration.keys.active?.id == "dev-insecure")
        let vault = try PersonalDataVault(keys: configuration.keys)
        let sealed = try sealed(vault)
        #expect(sealed.dataKey?.keyID == "dev-insecure")
        #expect(try vault.caller(of: sealed) == caller)
        #expect(vault.phoneIndex(Caller(phone: "138-0000-1111")) == vault.phoneIndex(Caller(phone: "13800001111")))
    }

    @Test(arguments: [
        "k1:" + base64Key(1, count: 16),   // 16 bytes, not 32
        "k1:" + base64Key(1, count: 33),
        "k1:not base64!",
        base64Key(1),                       // no key id
        ":" + base64Key(1),                 // empty key id
        "case:" + base64Key(1),             // the id of data sealed under a case's own key
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
        for text in [String(describing: keys), String(reflecting: keys), String(describing: try PersonalDataVault(keys: keys))] {
            #expect(text.contains("k1"))
            #expect(!text.contains(try #require(keys.active).key.map(String.init).joined(separator: ", ")), "the data key's bytes")
            #expect(!text.contains(try #require(keys.indexKey).map(String.init).joined(separator: ", ")), "the index key's bytes")
        }
    }
}
