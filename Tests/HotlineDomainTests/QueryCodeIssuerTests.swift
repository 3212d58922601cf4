import Foundation
import HotlineDomain
import HotlinePostgres
import Testing
@testable import HotlineWorkers

/// The query code (巴林左旗 第二十四条: the citizen's right to know the progress of their
/// appeal) and its verifier: derived from the case id, checked with the lookup key alone.
@Suite struct QueryCodeIssuerTests {
    static let lookupKey = KeyConfiguration.DataKey(id: "l1", key: Array(repeating: 3, count: 32))
    static let issuer = QueryCodeIssuer(codeKey: Array(repeating: 4, count: 32), lookupKey: lookupKey)
    static let verifier = QueryCodeVerifier(keys: [lookupKey])

    func stored(_ caseID: UUID) -> LookupVerifier {
        let row = Self.issuer.verifier(for: caseID)
        return LookupVerifier(caseID: row.caseID, verifier: row.verifier, keyID: row.keyID)
    }

    /// A re-published appeal must get the same receipt: the code is a function of the case id.
    @Test func theCodeIsTheSameForTheSameCaseAndDiffersBetweenCases() {
        let caseID = UUID()
        #expect(Self.issuer.code(for: caseID) == Self.issuer.code(for: caseID))
        let codes = Set((0..<200).map { _ in Self.issuer.code(for: UUID()).digits })
        #expect(codes.count == 200, "200 cases, 200 codes")
        let otherKey = QueryCodeIssuer(codeKey: Array(repeating: 5, count: 32), lookupKey: Self.lookupKey)
        #expect(otherKey.code(for: caseID) != Self.issuer.code(for: caseID), "without the code key, a case id gives away nothing")
    }

    @Test func theVerifierAcceptsTheCaseCodeOnly() throws {
        let caseID = UUID()
        let code = Self.issuer.code(for: caseID)
        #expect(Self.verifier.check(code, against: stored(caseID)))
        let wrong = QueryCode(derivedFrom: UInt64(code.digits)! + 1)
        #expect(!Self.verifier.check(wrong, against: stored(caseID)))
        #expect(!Self.verifier.check(code, against: nil), "no case: no match")
        var moved = stored(caseID)
        moved.caseID = UUID()
        #expect(!Self.verifier.check(code, against: moved), "a verifier copied to another case does not open it")
        var rotated = stored(caseID)
        rotated.keyID = "l0"
        #expect(!Self.verifier.check(code, against: rotated), "a verifier under a key no longer configured matches nothing")
        let withPrevious = QueryCodeVerifier(keys: [KeyConfiguration.DataKey(id: "l2", key: Array(repeating: 8, count: 32)), Self.lookupKey])
        #expect(withPrevious.check(code, against: stored(caseID)), "a previous key still checks the verifiers made under it")
    }

    @Test func theCodeReadsAsThreeGroupsOfFourAndParsesAsTyped() throws {
        let code = QueryCode(derivedFrom: 48_210_937_551_6)
        #expect(code.digits == "482109375516" && code.description == "4821-0937-5516")
        #expect(QueryCode(derivedFrom: 7).description == "0000-0000-0007")
        #expect(QueryCode(derivedFrom: UInt64.max).digits.count == 12)
        for typed in ["4821-0937-5516", "4821 0937 5516", "482109375516", "4821-0937 5516"] { #expect(QueryCode(parsing: typed) == code, "\(typed)") }
        for bad in ["4821-0937-551", "48210-937-5516", "4821-0937-551a", "", "4821--0937-5516", "４８２１-0937-5516", "4821-0937-5516-"] {
            #expect(QueryCode(parsing: bad) == nil, "\(bad)")
        }
    }
}

/// Who a lookup attempt counts against: the peer, or behind a trusted proxy the nearest
/// forwarded address the proxy did not add itself.
@Suite struct ClientAddressTests {
    let proxied = ClientAddress(trustedProxies: ["10.0.0.5", "10.0.0.6"])

    @Test func anUntrustedPeerIsTheClientWhateverItForwards() {
        #expect(proxied.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
    }

    @Test func behindTrustedProxiesTheRightMostUntrustedHopIsTheClient() {
        #expect(proxied.client(peer: "10.0.0.5", forwardedFor: ["198.51.100.1, 203.0.113.9"]) == "203.0.113.9",
                "the left-most entry is the client's own say and may be forged")
        #expect(proxied.client(peer: "10.0.0.5", forwardedFor: ["203.0.113.9", "10.0.0.6"]) == "203.0.113.9")
        #expect(proxied.client(peer: "10.0.0.5", forwardedFor: []) == "10.0.0.5")
        #expect(proxied.client(peer: "10.0.0.5", forwardedFor: ["not-an-address"]) == "10.0.0.5")
    }

    @Test func anIPv6ClientCountsByItsSlash64() {
        let plain = ClientAddress(trustedProxies: [])
        #expect(plain.client(peer: "2001:db8:1:2:aaaa::1", forwardedFor: []) == plain.client(peer: "2001:db8:1:2:bbbb::9", forwardedFor: []))
        #expect(plain.client(peer: "2001:db8:1:2::1", forwardedFor: []) == "2001:db8:1:2::/64")
        #expect(plain.client(peer: "::ffff:203.0.113.9", forwardedFor: []) == "203.0.113.9")
        #expect(plain.client(peer: nil, forwardedFor: []) == "unknown")
    }
}
