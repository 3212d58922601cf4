import Crypto
import Foundation
import HotlineDomain

/// Seals a work order's content to its unit and opens it for the unit (`PartySealing`):
/// `info` `hotline.work-orders.v1`, the order's event id and unit id as associated data.
public enum WorkOrderSealer {
    public static func seal(_ content: WorkOrderContent, of order: WorkOrder, to key: PartySealingKey) throws -> SealedToParty {
        let sealed = try PartySealing.seal(
            try EventJSON.encode(content), info: WorkOrder.sealingInfo,
            authenticating: WorkOrder.associatedData(eventID: order.eventID, unitID: order.unitID), to: key)
        guard let sealed else { throw WorkOrderSealingError.badPublicKey(keyID: key.keyID) }
        return sealed
    }

    /// Opens an order sealed to `unitID` with that unit's private sealing key. An order for
    /// another unit, or sealed to another key, does not open: its associated data or its
    /// key agreement differs.
    public static func open(_ order: WorkOrder, as unitID: String, with privateKey: Curve25519.KeyAgreement.PrivateKey) throws -> WorkOrderContent {
        guard order.unitID == unitID else { throw WorkOrderSealingError.otherUnit(order: order.eventID, addressedTo: order.unitID) }
        guard let sealed = order.sealed else { throw WorkOrderSealingError.withheld(order: order.eventID) }
        guard let plaintext = PartySealing.open(
                  sealed, info: WorkOrder.sealingInfo, authenticating: WorkOrder.associatedData(eventID: order.eventID, unitID: unitID), with: privateKey),
              let content = try? JSONDecoder().decode(WorkOrderContent.self, from: plaintext)
        else { throw WorkOrderSealingError.notOpened(order: order.eventID, keyID: sealed.keyID) }
        return content
    }
}

/// Why an order could not be sealed or opened, and what to do.
public enum WorkOrderSealingError: Error, CustomStringConvertible, Equatable {
    case badPublicKey(keyID: String)
    case otherUnit(order: UUID, addressedTo: String)
    case withheld(order: UUID)
    case notOpened(order: UUID, keyID: String)

    public var description: String {
        switch self {
        case let .badPublicKey(keyID):
            "sealing key \(keyID) is not an X25519 public key; revoke it and enrol the unit's key again with `hotline parties keys rotate`"
        case let .otherUnit(order, unit):
            "order \(order.uuidString.lowercased()) is addressed to unit \(unit), not to this unit; only its own unit can open it"
        case let .withheld(order):
            "order \(order.uuidString.lowercased()) carries no sealed content (the unit had no sealing key); the centre reissues it once the key is enrolled"
        case let .notOpened(order, keyID):
            "order \(order.uuidString.lowercased()) was sealed to key \(keyID) and does not open with this private key; give the key file of \(keyID)"
        }
    }
}
