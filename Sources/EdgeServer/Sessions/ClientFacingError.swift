import NIOHTTP1
import Protocol

/// An error the daemon answers a client with, as each transport writes it: the ERROR frame's
/// code and message (binary, and the HTTP session routes' ERROR payload) and an HTTP status.
protocol ClientFacingError: Error {
    /// The ERROR message's code and text.
    var protocolError: ProtocolError { get }
    /// The status of an HTTP answer to the same refusal.
    var httpStatus: HTTPResponseStatus { get }
}

extension ProtocolError: ClientFacingError {
    var protocolError: ProtocolError { self }

    var httpStatus: HTTPResponseStatus {
        switch code {
        case .unauthorized: .unauthorized
        case .sessionLimit: .serviceUnavailable
        case .unexpectedMessage: .conflict
        default: .badRequest
        }
    }
}

extension SessionError: ClientFacingError {
    var protocolError: ProtocolError {
        let code: ProtocolError.Code =
            switch code {
            case .unauthorized: .unauthorized
            case .sessionLimit: .sessionLimit
            case .invalidClient: .invalidValue
            case .roleConflict: .unexpectedMessage
            }
        return ProtocolError(code, message)
    }

    var httpStatus: HTTPResponseStatus { protocolError.httpStatus }
}

extension UploadStoreError: ClientFacingError {
    var protocolError: ProtocolError {
        let wire: ProtocolError.Code =
            switch code {
            case .unknownUpload: .unknownUpload
            case .offset, .busy: .uploadOffset
            case .digest: .uploadDigest
            case .size: .uploadSize
            case .invalid: .invalidValue
            case .io: .internalError
            }
        return ProtocolError(wire, message)
    }

    var httpStatus: HTTPResponseStatus {
        switch code {
        case .unknownUpload: .notFound
        case .offset, .busy: .conflict
        case .digest: .unprocessableEntity
        case .size: .payloadTooLarge
        case .invalid: .badRequest
        case .io: .internalServerError
        }
    }
}
