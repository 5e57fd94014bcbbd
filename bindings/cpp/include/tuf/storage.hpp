// libtuf's C++ binding: an application's metadata storage (tuf_storage) as an abstract class.
// Include <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_STORAGE_HPP
#define TUF_CPP_STORAGE_HPP

#include "core.hpp"

namespace tuf {

/// An application's metadata cache, a map from names to bytes, in place of the file cache of
/// the metadata directory (`tuf_storage`; set with UpdaterConfig::set_storage). Names are the
/// cache's ASCII names (`root.json`, `root_history/N.root.json`, `timestamp.json`,
/// `snapshot.json`, `targets.json`, or a delegated role's percent-encoded name with `.json`).
///
/// Everything libtuf reads back is verified again before it is used: the storage has to keep
/// what it was given, not to protect it. A failure is reported by throwing (any exception):
/// the trampoline catches it, libtuf sees a failed callback (a failed read is treated as "not
/// stored", a failed write or removal fails the call with Code::io), the running call stops at
/// its next transfer at the latest, and the wrapper rethrows the exception to its caller. No
/// storage function of that call runs again, except unlock, which is always called once for
/// each successful lock.
///
/// Threads: the functions run on the thread that called the Updater, during its calls (its
/// constructor, refresh, get_target_info; never a target download). Updaters sharing the
/// storage and used from several threads at once call it from each, concurrently: the
/// storage must then be safe for that. It must not call an Updater that uses it
/// (Code::state).
class Storage {
public:
    virtual ~Storage() = default;

    /// The value stored under `name`, nullopt when nothing is. A value longer than
    /// `max_length` bytes is treated by libtuf as not stored.
    virtual std::optional<std::vector<std::uint8_t>> read(std::string_view name,
                                                          std::uint64_t max_length) = 0;
    /// Stores `data` under `name`, replacing any value atomically (a reader sees the old value
    /// or the new one, whole, also after a crash); with `durable`, the new value must survive
    /// a power cut once this returns.
    virtual void write(std::string_view name, ByteView data, bool durable) = 0;
    /// Removes the value stored under `name`; returns false when there was none.
    virtual bool remove(std::string_view name) = 0;
};

/// A Storage shared by several updaters (or processes) at once: libtuf takes its exclusive
/// lock around each write or removal and the reads that decide it, for milliseconds, never
/// while it waits on the network, and never twice on one thread (`tuf_storage_lock_callback`,
/// `tuf_storage_unlock_callback`).
class LockingStorage : public Storage {
public:
    /// Takes the exclusive lock, waiting for another holder for a bounded time; throws when it
    /// gives up (the call then fails with Code::io, or rethrows the exception).
    virtual void lock() = 0;
    /// Releases the lock taken by lock() on this thread. Called even after another storage
    /// function of the call threw; an exception it throws is kept for the caller as well.
    virtual void unlock() = 0;
};

namespace detail {

// Storage trampolines: `userdata` points to the Storage (kept alive by the configuration and
// every updater made from it). See "calls and callbacks" in core.hpp.

inline int storage_read_trampoline(void* userdata, const char* name, std::uint64_t max_length,
                                   tuf_sink* sink) noexcept {
    return guarded(-1, [&] {
        std::optional<std::vector<std::uint8_t>> value =
            static_cast<Storage*>(userdata)->read(name != nullptr ? name : "", max_length);
        if (!value) {
            return TUF_STORAGE_NOT_FOUND;
        }
        static const std::uint8_t nothing = 0;
        // Over the limit the sink refuses the bytes: libtuf then treats the value as not
        // stored, as the C contract says.
        return ::tuf_sink_write(sink, value->empty() ? &nothing : value->data(),
                                value->size()) == TUF_OK
                   ? 0
                   : -1;
    });
}

inline int storage_write_trampoline(void* userdata, const char* name, const std::uint8_t* data,
                                    std::size_t len, bool durable) noexcept {
    return guarded(-1, [&] {
        static_cast<Storage*>(userdata)->write(name != nullptr ? name : "", ByteView(data, len),
                                               durable);
        return 0;
    });
}

inline int storage_remove_trampoline(void* userdata, const char* name) noexcept {
    return guarded(-1, [&] {
        return static_cast<Storage*>(userdata)->remove(name != nullptr ? name : "")
                   ? 0
                   : TUF_STORAGE_NOT_FOUND;
    });
}

// `userdata` is the Storage, which set_storage checked to be a LockingStorage.
inline int storage_lock_trampoline(void* userdata) noexcept {
    return guarded(-1, [&] {
        static_cast<LockingStorage*>(static_cast<Storage*>(userdata))->lock();
        return 0;
    });
}

// Always runs: a lock taken must be released, whatever happened since.
inline void storage_unlock_trampoline(void* userdata) noexcept {
    try {
        static_cast<LockingStorage*>(static_cast<Storage*>(userdata))->unlock();
    } catch (...) {
        keep_current_exception();
    }
}

/// The C callbacks for `storage`: with lock and unlock when it is a LockingStorage.
inline tuf_storage storage_callbacks(Storage& storage) noexcept {
    tuf_storage callbacks{};
    callbacks.read = &storage_read_trampoline;
    callbacks.write = &storage_write_trampoline;
    callbacks.remove = &storage_remove_trampoline;
    if (dynamic_cast<LockingStorage*>(&storage) != nullptr) {
        callbacks.lock = &storage_lock_trampoline;
        callbacks.unlock = &storage_unlock_trampoline;
    }
    return callbacks;
}

}  // namespace detail

}  // namespace tuf

#endif  // TUF_CPP_STORAGE_HPP
