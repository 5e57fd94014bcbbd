// libtuf's C++ binding: a header-only C++17 wrapper of every function of <tuf.h>, in namespace
// tuf. CMake: target_link_libraries(app PRIVATE tuf::tuf_cpp) after find_package(tuf).
//
// - Owners: one move-only class per C handle (UpdaterConfig, Updater, TargetInfo, Verifier,
//   MultiRepoConfig, MultiRepo, MultiRepoTarget, Metadata, TargetFile, Key, Signer), each
//   freeing it in its destructor; borrowed handles are views (TargetInfoView, KeyView) valid
//   while their owner lives. native_handle() gives the C handle when asked for.
// - Strings in as std::string_view (copied with a NUL; a NUL inside is Code::invalid_argument),
//   std::optional<std::string_view> where C takes NULL for "none"; strings out as std::string;
//   std::optional where C returns "none" (a lookup that finds no target, a missing value).
//   Bytes in as tuf::ByteView (any contiguous byte container), out as
//   std::vector<std::uint8_t>.
// - Errors: every failure throws tuf::Error (a std::runtime_error) with code() and the C
//   error's fields (http_status(), url(), role()); the C error is freed by then. Index
//   arguments out of range throw std::out_of_range.
// - Callbacks are std::function, and an application's metadata storage an object of a class
//   derived from tuf::Storage (or tuf::LockingStorage). An exception thrown inside one never
//   crosses libtuf: a noexcept trampoline catches it, fails or cancels the C call (no callback
//   of that call runs again, except a storage's unlock), and the call's wrapper rethrows it
//   once the C call returned. Functions and storage set on an UpdaterConfig are kept alive by
//   the configuration and by every Updater, MultiRepoConfig and MultiRepo made from it. The
//   threads, locks and re-entrance rules of tuf.h apply: a callback must not call the object
//   that is calling it (Code::state).
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_HPP
#define TUF_HPP

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "tuf.hpp needs C++17"
#endif

#include "tuf/core.hpp"
#include "tuf/keys.hpp"
#include "tuf/metadata.hpp"
#include "tuf/multirepo.hpp"
#include "tuf/storage.hpp"
#include "tuf/target_file.hpp"
#include "tuf/target_info.hpp"
#include "tuf/updater.hpp"
#include "tuf/verifier.hpp"

#endif  // TUF_HPP
