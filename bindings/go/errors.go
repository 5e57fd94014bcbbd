package tuf

// #include <stdlib.h>
// #include <tuf.h>
import "C"

import (
	"context"
	"errors"
	"fmt"
)

// Code is a libtuf result code (tuf_result): CodeOK or one of the error codes. Codes are
// stable: never renumbered or reused, so a code from a newer library is still a valid Code.
type Code uint32

// The result codes of tuf.h (TUF_OK and TUF_ERR_*).
const (
	CodeOK                   Code = C.TUF_OK
	CodeInvalidArgument      Code = C.TUF_ERR_INVALID_ARGUMENT
	CodeInvalidMetadata      Code = C.TUF_ERR_INVALID_METADATA
	CodeBadSignature         Code = C.TUF_ERR_BAD_SIGNATURE
	CodeBadVersion           Code = C.TUF_ERR_BAD_VERSION
	CodeExpired              Code = C.TUF_ERR_EXPIRED
	CodeLengthOrHashMismatch Code = C.TUF_ERR_LENGTH_OR_HASH_MISMATCH
	CodeRepository           Code = C.TUF_ERR_REPOSITORY
	CodeDownload             Code = C.TUF_ERR_DOWNLOAD
	CodeLengthExceeded       Code = C.TUF_ERR_LENGTH_EXCEEDED
	CodeSlowRetrieval        Code = C.TUF_ERR_SLOW_RETRIEVAL
	CodeIO                   Code = C.TUF_ERR_IO
	CodeTargetNotFound       Code = C.TUF_ERR_TARGET_NOT_FOUND
	CodeState                Code = C.TUF_ERR_STATE
	CodeCrypto               Code = C.TUF_ERR_CRYPTO
	CodePanic                Code = C.TUF_ERR_PANIC
	CodeCancelled            Code = C.TUF_ERR_CANCELLED
)

// String is libtuf's static description of the code (tuf_result_str), also for codes this
// package does not know.
func (c Code) String() string {
	return C.GoString(C.tuf_result_str(C.tuf_result(c)))
}

// Error is a failure reported by libtuf: its code and message and, when libtuf knows them,
// the HTTP status and URL of a failed download and the role whose metadata failed a check.
// When a Go callback (a Fetcher, a loader, a signer) or the context caused the failure, Err
// is that error and errors.Is/errors.As see through to it: a call cancelled through its
// context gives an *Error with Code CodeCancelled for which both errors.Is(err,
// ErrCancelled) and errors.Is(err, context.Canceled) hold.
//
// Compare with the sentinels (errors.Is(err, tuf.ErrExpired)) or read the fields with
// errors.As. An *Error is immutable once returned.
type Error struct {
	Code       Code
	Message    string
	HTTPStatus int    // the HTTP status of a failed download; 0 when none
	URL        string // the URL of a failed, overlong, too slow or cancelled download; "" when none
	Role       string // the role whose metadata failed a check; "" when none
	Err        error  // the Go error behind the failure, if any

	sentinel bool
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.String()
	}
	if e.Err != nil && !e.sentinel {
		return "tuf: " + msg + ": " + e.Err.Error()
	}
	return "tuf: " + msg
}

// Unwrap returns the Go error behind the failure (nil if there is none).
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's code (ErrExpired for CodeExpired, ...).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Code == e.Code
}

func sentinel(c Code) *Error { return &Error{Code: c, Message: c.String(), sentinel: true} }

// Sentinel errors, one per code, for errors.Is: errors.Is(err, tuf.ErrExpired) holds for
// every *Error with Code CodeExpired, wherever it is in err's chain.
var (
	ErrInvalidArgument      = sentinel(CodeInvalidArgument)
	ErrInvalidMetadata      = sentinel(CodeInvalidMetadata)
	ErrBadSignature         = sentinel(CodeBadSignature)
	ErrBadVersion           = sentinel(CodeBadVersion)
	ErrExpired              = sentinel(CodeExpired)
	ErrLengthOrHashMismatch = sentinel(CodeLengthOrHashMismatch)
	ErrRepository           = sentinel(CodeRepository)
	ErrDownload             = sentinel(CodeDownload)
	ErrLengthExceeded       = sentinel(CodeLengthExceeded)
	ErrSlowRetrieval        = sentinel(CodeSlowRetrieval)
	ErrIO                   = sentinel(CodeIO)
	ErrTargetNotFound       = sentinel(CodeTargetNotFound)
	ErrState                = sentinel(CodeState)
	ErrCrypto               = sentinel(CodeCrypto)
	ErrPanic                = sentinel(CodePanic)
	ErrCancelled            = sentinel(CodeCancelled)
)

// takeError turns a failed call's result and error object into an *Error and frees cerr.
// cause, when not nil, is the Go error behind the failure (from a callback or the context);
// a context error makes the code CodeCancelled, however libtuf saw the failure (a Fetcher
// that stopped for its context fails the download, which libtuf reports as a download error).
func takeError(r C.tuf_result, cerr *C.tuf_error, cause error) error {
	e := &Error{Code: Code(r), Err: cause}
	if cerr != nil {
		e.Code = Code(C.tuf_error_code(cerr))
		e.Message = C.GoString(C.tuf_error_message(cerr))
		e.HTTPStatus = int(C.tuf_error_http_status(cerr))
		if u := C.tuf_error_url(cerr); u != nil {
			e.URL = C.GoString(u)
		}
		if role := C.tuf_error_role(cerr); role != nil {
			e.Role = C.GoString(role)
		}
		C.tuf_error_free(cerr)
	} else {
		e.Message = e.Code.String()
	}
	if cause != nil && (errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded)) {
		e.Code = CodeCancelled
	}
	return e
}

// check returns nil for TUF_OK, else takeError's *Error.
func check(r C.tuf_result, cerr *C.tuf_error) error {
	if r == C.TUF_OK {
		return nil
	}
	return takeError(r, cerr, nil)
}

// argError is the *Error of an argument refused before any call into libtuf.
func argError(format string, args ...any) error {
	return &Error{Code: CodeInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// errClosed is returned by methods of a closed handle.
func errClosed(what string) error {
	return &Error{Code: CodeState, Message: what + " is closed"}
}
