import Crypto

/// SHA-256, the algorithm of the history chain and its digests (`HistoryChain`, `HistoryDigest`).
public enum HistoryHashing {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}
