import Foundation
import HTTPTypes
import Hummingbird
import HotlineDomain
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

/// The citizens' progress lookup over HTTP (`hotline serve-lookup`; the contract is
/// `docs/openapi/lookup.yaml`): `POST /v1/progress` with the case number and the query
/// code, `/health` and `/ready` for the orchestrator, `/metrics` (`LookupMetrics`, the
/// Prometheus text format) for the operators. Every answer is `no-store`: a shared cache must
/// keep no one's progress.
struct LookupServer: Service {
    let lookup: ProgressLookup
    let clientAddress: ClientAddress
    let host: String
    let port: Int
    let ready: ReadinessCheck
    let logger: Logger

    /// A lookup request is two short strings; anything longer is not one.
    static let maximumBodyBytes = 4_096

    func run() async throws {
        let router = Router(context: LookupRequestContext.self)
        router.add(middleware: LookupRequestSpan(path: "/v1/progress"))
        router.add(middleware: AllowedMethods(allowed: ["/health": [.get], "/ready": [.get], "/metrics": [.get], "/v1/progress": [.post]]))
        LookupMetrics.started()
        router.get("health") { _, _ in Self.text(.ok, "ok\n") }
        router.get("metrics") { _, _ in
            Self.respond(.ok, "text/plain; version=0.0.4; charset=utf-8", Data(WorkerMetrics.registry.emitToString().utf8))
        }
        router.get("ready") { [ready] _, _ -> Response in
            guard let problem = await ready.check() else { return Self.text(.ok, "ready\n") }
            return Self.json(.serviceUnavailable, ["ready": .bool(false), "problems": .array([.string(problem)])])
        }
        router.post("v1/progress") { [lookup, clientAddress, logger] request, context -> Response in
            let client = clientAddress.client(
                peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor])
            let body = try? await request.body.collect(upTo: Self.maximumBodyBytes)
            let fields = body.flatMap { try? JSONDecoder().decode(ProgressRequest.self, from: Data(buffer: $0)) }
            do {
                let answer = try await lookup.attempt(caseNumber: fields?.caseNumber, code: fields?.queryCode, client: client)
                LookupMetrics.attempt(answer.outcome)
                return Self.response(to: answer)
            } catch {
                LookupMetrics.attempt(.unavailable)
                logger.error("progress lookup failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                var response = Self.json(.serviceUnavailable, ["error": .string("unavailable"), "message": .string(Self.unavailable)])
                response.headers[.retryAfter] = "30"
                return response
            }
        }
        let application = Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
        logger.info("serving the progress lookup", metadata: ["host": "\(host)", "port": "\(port)"])
        try await application.run()
    }

    static let noMatch = "受理编号与查询码不相符。请核对回执上的受理编号和查询码后再试。"
    static let unavailable = "查询暂时无法使用，请稍后再试。"

    static func response(to answer: ProgressLookup.Answer) -> Response {
        switch answer {
        case let .progress(progress):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return respond(.ok, "application/json", (try? encoder.encode(progress)) ?? Data())
        case .noMatch:
            return json(.notFound, ["error": .string("no_match"), "message": .string(noMatch)])
        case let .locked(seconds):
            var response = json(.tooManyRequests, [
                "error": .string("too_many_attempts"), "retry_after_seconds": .integer(Int64(seconds)),
                "message": .string("尝试次数过多，请在\(seconds)秒后再试。"),
            ])
            response.headers[.retryAfter] = "\(seconds)"
            return response
        case let .malformed(problem):
            return json(.badRequest, ["error": .string("malformed"), "message": .string(problem)])
        }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: JSONValue]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return respond(status, "application/json", (try? encoder.encode(JSONValue.object(object))) ?? Data())
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        respond(status, "text/plain; charset=utf-8", Data(text.utf8))
    }

    static func respond(_ status: HTTPResponse.Status, _ contentType: String, _ body: Data) -> Response {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A method the document does not declare on a path it does gets 405 with `Allow` (RFC 9110
/// 15.5.6), not the router's 404: the path exists.
struct AllowedMethods<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let methods = allowed[request.uri.path], !methods.contains(request.method) else { return try await next(request, context) }
        return Response(
            status: .methodNotAllowed,
            headers: [.allow: methods.map(\.rawValue).joined(separator: ", "), .cacheControl: "no-store"])
    }
}

/// The request's members; either may be missing or of the wrong type, which the lookup
/// answers as malformed.
struct ProgressRequest: Decodable {
    var caseNumber: String?
    var queryCode: String?

    enum CodingKeys: String, CodingKey {
        case caseNumber = "case_number"
        case queryCode = "query_code"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        caseNumber = try? container.decodeIfPresent(String.self, forKey: .caseNumber)
        queryCode = try? container.decodeIfPresent(String.self, forKey: .queryCode)
    }
}

/// A request context that knows the connection's peer, for the per-client limit.
struct LookupRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
