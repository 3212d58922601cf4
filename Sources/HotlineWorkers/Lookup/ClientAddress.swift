import Foundation

/// Who a lookup attempt counts against (the per-client limit): the peer address of the
/// connection, unless that peer is one of the trusted proxies (`HOTLINE_LOOKUP_TRUSTED_PROXIES`,
/// the load balancer or ingress in front of the service), in which case the client is the
/// right-most address of `X-Forwarded-For` that is not itself a trusted proxy. Addresses
/// further left are the client's own say and may be forged, so they are never used. An IPv6
/// client counts by its /64 network: one host usually holds a whole /64.
public struct ClientAddress: Sendable {
    public let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    /// The client of a request from `peer` (nil: unknown) with these `X-Forwarded-For` values.
    public func client(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer) else { return Self.counted(peer) }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        let client = hops.reversed().first { !$0.isEmpty && !trustedProxies.contains($0) }
        guard let client, Self.isAddress(client) else { return Self.counted(peer) }
        return Self.counted(client)
    }

    /// An address as counted: IPv4 as it is (also when mapped into IPv6), IPv6 by its
    /// first four groups (its /64).
    static func counted(_ address: String) -> String {
        var v6 = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &v6) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    /// A forwarded hop that reads as an IPv4 or IPv6 address; anything else is ignored.
    static func isAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
