// libtuf's C++ binding: result codes, tuf::Error, byte views, sinks, and the machinery every
// wrapper uses (string conversion, owned handles, and the per-call context through which an
// exception thrown in a callback reaches the caller). Include <tuf.hpp> rather than this file.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_CORE_HPP
#define TUF_CPP_CORE_HPP

#include <tuf.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tuf {

/// A libtuf result code (`TUF_OK`, `TUF_ERR_*`). Codes are stable; a code from a newer library
/// is still a valid `Code` (the underlying type holds any value).
enum class Code : std::uint32_t {
    ok = TUF_OK,
    invalid_argument = TUF_ERR_INVALID_ARGUMENT,
    invalid_metadata = TUF_ERR_INVALID_METADATA,
    bad_signature = TUF_ERR_BAD_SIGNATURE,
    bad_version = TUF_ERR_BAD_VERSION,
    expired = TUF_ERR_EXPIRED,
    length_or_hash_mismatch = TUF_ERR_LENGTH_OR_HASH_MISMATCH,
    repository = TUF_ERR_REPOSITORY,
    download = TUF_ERR_DOWNLOAD,
    length_exceeded = TUF_ERR_LENGTH_EXCEEDED,
    slow_retrieval = TUF_ERR_SLOW_RETRIEVAL,
    io = TUF_ERR_IO,
    target_not_found = TUF_ERR_TARGET_NOT_FOUND,
    state = TUF_ERR_STATE,
    crypto = TUF_ERR_CRYPTO,
    panic = TUF_ERR_PANIC,
    cancelled = TUF_ERR_CANCELLED,
};

/// libtuf's static description of `code` (`tuf_result_str`), also for unknown codes.
inline std::string result_str(Code code) {
    return ::tuf_result_str(static_cast<tuf_result>(code));
}

/// The version of the libtuf library loaded at run time, e.g. "0.1.0" (`tuf_version`); the
/// header this program was compiled against has `TUF_VERSION_MAJOR`, `_MINOR` and `_PATCH`.
inline std::string version() { return ::tuf_version(); }

/// What a fetch function returns when the file does not exist and it has no HTTP status to
/// give (`TUF_FETCH_NOT_FOUND`): treated as HTTP 404.
inline constexpr int fetch_not_found = TUF_FETCH_NOT_FOUND;

/// Every failure of a libtuf call: the code and the structured fields of the C `tuf_error`
/// (`what()` is its message). Copying never throws (the fields are shared).
class Error : public std::runtime_error {
public:
    Error(Code code, const std::string& message, std::uint32_t http_status = 0,
          std::optional<std::string> url = std::nullopt,
          std::optional<std::string> role = std::nullopt)
        : std::runtime_error(message),
          fields_(std::make_shared<const Fields>(
              Fields{code, http_status, std::move(url), std::move(role)})) {}

    /// The result code (`tuf_error_code`).
    Code code() const noexcept { return fields_->code; }
    /// The message (`tuf_error_message`); the same as `what()`.
    std::string message() const { return what(); }
    /// The HTTP status of a failed download (a missing `file://` file is 404), else 0
    /// (`tuf_error_http_status`).
    std::uint32_t http_status() const noexcept { return fields_->http_status; }
    /// The URL of a failed, overlong, too slow or cancelled download (`tuf_error_url`).
    const std::optional<std::string>& url() const noexcept { return fields_->url; }
    /// The role whose metadata failed a check of signatures, version, expiry or type
    /// (`tuf_error_role`).
    const std::optional<std::string>& role() const noexcept { return fields_->role; }

private:
    struct Fields {
        Code code;
        std::uint32_t http_status;
        std::optional<std::string> url;
        std::optional<std::string> role;
    };
    std::shared_ptr<const Fields> fields_;
};

/// A borrowed run of bytes: a pointer and a length, as libtuf's byte arguments are. Made from
/// any contiguous container of bytes (`std::vector<std::uint8_t>`, `std::string`,
/// `std::string_view`, `std::array<std::uint8_t, N>`, ...) or a pointer and a length. It does
/// not own the bytes: they must outlive it.
class ByteView {
public:
    constexpr ByteView() noexcept = default;
    ByteView(const void* data, std::size_t size) noexcept
        : data_(static_cast<const std::uint8_t*>(data)), size_(size) {}
    ByteView(std::string_view s) noexcept : ByteView(s.data(), s.size()) {}
    template <class C,
              class T = std::remove_cv_t<
                  std::remove_pointer_t<decltype(std::data(std::declval<const C&>()))>>,
              class = std::enable_if_t<sizeof(T) == 1 && std::is_trivially_copyable_v<T> &&
                                       !std::is_same_v<C, ByteView>>,
              class = decltype(std::size(std::declval<const C&>()))>
    ByteView(const C& bytes) noexcept : ByteView(std::data(bytes), std::size(bytes)) {}

    const std::uint8_t* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const std::uint8_t* begin() const noexcept { return data_; }
    const std::uint8_t* end() const noexcept { return data_ + size_; }
    /// A copy of the bytes.
    std::vector<std::uint8_t> to_vector() const { return {begin(), end()}; }

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

namespace detail {

// ---- owned C objects -------------------------------------------------------------------------

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
/// A C handle with exactly one owner, freed with its `*_free` function.
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using ErrorPtr = Owned<tuf_error, ::tuf_error_free>;
using StringPtr = Owned<char, ::tuf_string_free>;
using BytesPtr = Owned<std::uint8_t, ::tuf_bytes_free>;

/// A `char *` libtuf returned as owned, copied and freed; nullopt for NULL.
inline std::optional<std::string> take_string(char* s) {
    StringPtr owned(s);
    if (owned == nullptr) {
        return std::nullopt;
    }
    return std::string(owned.get());
}

/// A `uint8_t *` buffer libtuf returned as owned, copied and freed.
inline std::vector<std::uint8_t> take_bytes(std::uint8_t* data, std::size_t len) {
    BytesPtr owned(data);
    if (owned == nullptr) {
        return {};
    }
    return std::vector<std::uint8_t>(owned.get(), owned.get() + len);
}

/// A borrowed `const char *` copied, nullopt for NULL (libtuf's "none").
inline std::optional<std::string> optional_string(const char* s) {
    if (s == nullptr) {
        return std::nullopt;
    }
    return std::string(s);
}

/// A borrowed `const char *` that libtuf gives for every valid handle: NULL means the handle is
/// empty (moved from), which is an invalid argument as for every other call.
inline std::string string_of(const char* s) {
    if (s == nullptr) {
        throw Error(Code::invalid_argument, "the handle is empty (moved from)");
    }
    return std::string(s);
}

/// Throws std::out_of_range unless `index < count`.
inline void check_index(std::size_t index, std::size_t count, const char* what) {
    if (index >= count) {
        throw std::out_of_range(std::string(what) + ": index " + std::to_string(index) +
                                " out of range (" + std::to_string(count) + ")");
    }
}

/// A NUL-terminated copy of a string argument. A NUL byte inside it would silently cut the
/// string short in C: refused with Code::invalid_argument instead.
class CString {
public:
    explicit CString(std::string_view s) : s_(s) {
        if (s_.find('\0') != std::string::npos) {
            throw Error(Code::invalid_argument, "string argument contains a NUL byte");
        }
    }
    const char* get() const noexcept { return s_.c_str(); }

private:
    std::string s_;
};

/// CString copies of a list of strings (each convertible to std::string_view), and the array
/// of their pointers that libtuf reads (NULL for an empty list).
class CStringArray {
public:
    template <class Strings>
    explicit CStringArray(const Strings& strings) {
        for (const auto& s : strings) {
            strings_.emplace_back(std::string_view(s));
        }
        pointers_.reserve(strings_.size());
        for (const CString& s : strings_) {
            pointers_.push_back(s.get());
        }
    }
    std::size_t size() const noexcept { return pointers_.size(); }
    const char* const* data() const noexcept {
        return pointers_.empty() ? nullptr : pointers_.data();
    }

private:
    std::vector<CString> strings_;
    std::vector<const char*> pointers_;
};

/// As CString, for arguments where NULL means "none": std::nullopt gives NULL.
class OptionalCString {
public:
    explicit OptionalCString(std::optional<std::string_view> s) {
        if (s) {
            s_.emplace(*s);
        }
    }
    const char* get() const noexcept { return s_ ? s_->get() : nullptr; }

private:
    std::optional<CString> s_;
};

/// A pointer to the value of an optional time, NULL for nullopt.
inline const std::int64_t* optional_ptr(const std::optional<std::int64_t>& v) noexcept {
    return v ? &*v : nullptr;
}

/// libtuf's error for `r`: the fields of `raw` (freed here, also when this throws), or the
/// code's description when libtuf gave no error object.
inline Error make_error(tuf_result r, tuf_error* raw) {
    ErrorPtr e(raw);
    if (e == nullptr) {
        return Error(static_cast<Code>(r), ::tuf_result_str(r));
    }
    return Error(static_cast<Code>(::tuf_error_code(e.get())), ::tuf_error_message(e.get()),
                 ::tuf_error_http_status(e.get()), optional_string(::tuf_error_url(e.get())),
                 optional_string(::tuf_error_role(e.get())));
}

/// Throws make_error(r, raw).
[[noreturn]] inline void throw_error(tuf_result r, tuf_error* raw) { throw make_error(r, raw); }

// ---- calls and callbacks ---------------------------------------------------------------------
//
// Every C call is made inside a Call: it is this thread's innermost call while it runs (libtuf
// runs callbacks on the thread that called it, during the call). A trampoline catches whatever
// its std::function throws, keeps the first exception in the innermost Call, and makes the C
// call fail or cancel; once a call holds an exception, no callback of it runs again. After the
// C call returns, Call::check rethrows that exception, or throws the C error.

struct CallContext {
    std::exception_ptr exception;
    CallContext* outer = nullptr;
};

inline CallContext*& innermost_call() noexcept {
    static thread_local CallContext* innermost = nullptr;
    return innermost;
}

/// Keeps the exception being handled for the innermost call of this thread (the first one
/// wins). Without a call (a callback run by a C call made outside the binding) it is dropped:
/// the callback still fails, and that C call reports it.
inline void keep_current_exception() noexcept {
    CallContext* call = innermost_call();
    if (call != nullptr && !call->exception) {
        call->exception = std::current_exception();
    }
}

/// Whether a callback of the innermost call already threw.
inline bool call_has_exception() noexcept {
    CallContext* call = innermost_call();
    return call != nullptr && call->exception != nullptr;
}

class Call {
public:
    Call() noexcept {
        context_.outer = innermost_call();
        innermost_call() = &context_;
    }
    ~Call() {
        end();
        ErrorPtr free_it(err_);
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

    /// The `tuf_error **err` argument of the C call.
    tuf_error** err() noexcept { return &err_; }

    /// Ends the call: rethrows a callback's exception, else throws the C error unless `r` is
    /// TUF_OK.
    void check(tuf_result r) {
        end();
        ErrorPtr e(err_);
        err_ = nullptr;
        if (context_.exception) {
            std::rethrow_exception(context_.exception);
        }
        if (r != TUF_OK) {
            throw_error(r, e.release());
        }
    }

    /// As check, but TUF_ERR_TARGET_NOT_FOUND returns false (libtuf's "none" for lookups).
    bool check_found(tuf_result r) {
        if (r == TUF_ERR_TARGET_NOT_FOUND && !context_.exception) {
            end();
            return false;
        }
        check(r);
        return true;
    }

private:
    void end() noexcept {
        if (active_) {
            innermost_call() = context_.outer;
            active_ = false;
        }
    }
    CallContext context_;
    tuf_error* err_ = nullptr;
    bool active_ = true;
};

/// Thrown by Sink::write when libtuf refuses the bytes. libtuf then fails the whole C call with
/// its own error (which names the URL), so a trampoline does not keep this one.
class SinkError : public Error {
public:
    using Error::Error;
};

/// The body of every trampoline: returns `failed` without running `body` once a callback of
/// the innermost call has thrown; runs `body` and returns what it returns; if it throws,
/// keeps the exception (keep_current_exception) and returns `failed`. A SinkError returns
/// `failed` and is not kept: libtuf fails the call with its own error.
template <typename R, typename F>
R guarded(R failed, F&& body) noexcept {
    if (call_has_exception()) {
        return failed;
    }
    try {
        return body();
    } catch (const SinkError&) {
        return failed;
    } catch (...) {
        keep_current_exception();
        return failed;
    }
}

/// guarded() for a callback that returns nothing: `body` is skipped, or its exception kept.
template <typename F>
void guarded(F&& body) noexcept {
    guarded(0, [&] {
        body();
        return 0;
    });
}

/// The result codes a call on many entries at once (tuf_updater_download_targets,
/// tuf_updater_get_target_infos) writes: libtuf writes every entry, or none when the call
/// fails first. Each starts as a value no code has.
class EntryCodes {
public:
    explicit EntryCodes(std::size_t n) : codes_(n, unwritten) {}
    tuf_result* data() noexcept { return codes_.data(); }
    tuf_result operator[](std::size_t i) const noexcept { return codes_[i]; }
    /// Whether libtuf wrote the entries (false for none).
    bool written() const noexcept { return !codes_.empty() && codes_.back() != unwritten; }

private:
    static constexpr tuf_result unwritten = static_cast<tuf_result>(-1);
    std::vector<tuf_result> codes_;
};

}  // namespace detail

/// Where a fetch function or a metadata loader writes the bytes it received
/// (`tuf_sink_write`). Valid only during the callback that received it, on its thread; libtuf
/// enforces the length limit here.
class Sink {
public:
    /// Wraps a sink libtuf passed to a callback (the binding's trampolines do this).
    explicit Sink(tuf_sink* sink) noexcept : sink_(sink) {}
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    /// Appends `data`. Throws tuf::Error (Code::length_exceeded past the limit, Code::io, ...)
    /// when libtuf refuses it; the call then fails with libtuf's error whatever the callback
    /// does, and every later write fails the same way.
    void write(ByteView data) {
        static const std::uint8_t nothing = 0;
        tuf_result r = ::tuf_sink_write(sink_, data.data() != nullptr ? data.data() : &nothing,
                                        data.size());
        if (r != TUF_OK) {
            throw detail::SinkError(static_cast<Code>(r),
                                    std::string("sink: ") + ::tuf_result_str(r));
        }
    }
    void write(const void* data, std::size_t len) { write(ByteView(data, len)); }

    tuf_sink* native_handle() const noexcept { return sink_; }

private:
    tuf_sink* sink_;
};

}  // namespace tuf

#endif  // TUF_CPP_CORE_HPP
