import PostgresNIO

/// A one-dimensional PostgreSQL array whose elements may be NULL, bound as one
/// parameter. postgres-nio encodes `[Element]` but not `[Element?]`; the set-based
/// flushes pass a whole batch's column through `unnest`, and columns such as a case's
/// area code or a message's key are NULL for some rows.
public struct NullableArray<Element: PostgresArrayEncodable>: PostgresEncodable, Sendable where Element: Sendable {
    public var elements: [Element?]

    public init(_ elements: [Element?]) {
        self.elements = elements
    }

    public static var psqlType: PostgresDataType { Element.psqlArrayType }
    public static var psqlFormat: PostgresFormat { .binary }

    /// The binary array format of `array_recv`: dimensions, a has-nulls flag, the element
    /// type, then per dimension its length and lower bound, then each element as a length
    /// (-1 for NULL) and its bytes.
    public func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) throws {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex, as: Int32.self)
        }
    }
}

extension NullableArray where Element == ByteBuffer {
    /// A bytea column from byte arrays.
    public init(bytes: [[UInt8]?]) {
        self.init(bytes.map { $0.map { ByteBuffer(bytes: $0) } })
    }
}

extension Array where Element == [UInt8] {
    /// A bytea[] parameter.
    public var byteaArray: [ByteBuffer] { map { ByteBuffer(bytes: $0) } }
}
