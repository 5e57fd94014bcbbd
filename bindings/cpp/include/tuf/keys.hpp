// libtuf's C++ binding: public keys (tuf_key) and signers (tuf_signer) of the Metadata API.
// Include <tuf.hpp>.
//
// SPDX-License-Identifier: MIT OR Apache-2.0
#ifndef TUF_CPP_KEYS_HPP
#define TUF_CPP_KEYS_HPP

#include <functional>

#include "core.hpp"

namespace tuf {

/// A public key and the keyid it is listed under, borrowed: from a Key (valid while it lives)
/// or from a Signer (Signer::key, valid while the signer lives). Immutable: any thread.
class KeyView {
public:
    /// Views a `tuf_key` owned elsewhere.
    explicit KeyView(const tuf_key* key) noexcept : key_(key) {}

    /// The keyid (`tuf_key_keyid`).
    std::string keyid() const { return detail::string_of(::tuf_key_keyid(key_)); }
    /// `keytype`, e.g. "ed25519", "ecdsa", "rsa" (`tuf_key_keytype`).
    std::string keytype() const { return detail::string_of(::tuf_key_keytype(key_)); }
    /// `scheme`, e.g. "ed25519", "ecdsa-sha2-nistp256" (`tuf_key_scheme`).
    std::string scheme() const { return detail::string_of(::tuf_key_scheme(key_)); }
    /// `keyval.public`: hex for Ed25519, PEM for ECDSA and RSA (`tuf_key_public_value`).
    std::string public_value() const {
        return detail::string_of(::tuf_key_public_value(key_));
    }
    /// The key object as compact JSON, without the keyid (`tuf_key_to_json`).
    std::string to_json() const { return detail::string_of(::tuf_key_to_json(key_)); }
    /// Whether libtuf can verify signatures with this key (`tuf_key_is_supported`).
    bool is_supported() const noexcept { return ::tuf_key_is_supported(key_); }
    /// Verifies the raw signature `signature` over `data` with this key and its scheme
    /// (`tuf_key_verify_signature`): throws Error with Code::bad_signature when it does not
    /// verify.
    void verify_signature(ByteView data, ByteView signature) const {
        detail::Call call;
        call.check(::tuf_key_verify_signature(key_, data.data(), data.size(), signature.data(),
                                              signature.size(), call.err()));
    }

    const tuf_key* native_handle() const noexcept { return key_; }

protected:
    const tuf_key* key_;
};

/// A public key, owned (`tuf_key`). Move-only; immutable: any thread.
class Key : public KeyView {
public:
    /// Takes ownership of `key` (freed with `tuf_key_free`).
    explicit Key(tuf_key* key) noexcept : KeyView(key), owned_(key) {}
    Key(Key&& other) noexcept : KeyView(other.key_), owned_(std::move(other.owned_)) {
        other.key_ = nullptr;
    }
    Key& operator=(Key&& other) noexcept {
        if (this != &other) {
            owned_ = std::move(other.owned_);
            key_ = other.key_;
            other.key_ = nullptr;
        }
        return *this;
    }

    /// Reads a key object (`{"keytype": ..., "scheme": ..., "keyval": {"public": ...}}`),
    /// listed under `keyid` (nullopt: its default keyid) (`tuf_key_from_json`).
    static Key from_json(std::string_view json,
                         std::optional<std::string_view> keyid = std::nullopt) {
        detail::CString j(json);
        detail::OptionalCString id(keyid);
        detail::Call call;
        tuf_key* out = nullptr;
        tuf_result r = ::tuf_key_from_json(j.get(), id.get(), &out, call.err());
        Key key(out);
        call.check(r);
        return key;
    }
    /// Makes a key from a PEM `PUBLIC KEY` block, with `scheme` (nullopt: the key's default)
    /// (`tuf_key_from_pem`).
    static Key from_pem(std::string_view pem,
                        std::optional<std::string_view> scheme = std::nullopt) {
        detail::CString p(pem);
        detail::OptionalCString s(scheme);
        detail::Call call;
        tuf_key* out = nullptr;
        tuf_result r = ::tuf_key_from_pem(p.get(), s.get(), &out, call.err());
        Key key(out);
        call.check(r);
        return key;
    }

private:
    detail::Owned<tuf_key, ::tuf_key_free> owned_;
};

/// Signs the canonical bytes `data` for a callback signer and returns the signature bytes (64
/// raw bytes for Ed25519, DER for ECDSA, the RSA signature); see `tuf_sign_callback`.
using SignFunction = std::function<std::vector<std::uint8_t>(ByteView data)>;

namespace detail {

inline int sign_trampoline(void* userdata, const std::uint8_t* data, std::size_t len,
                           tuf_sink* signature) noexcept {
    return guarded(-1, [&] {
        std::vector<std::uint8_t> sig =
            (*static_cast<const SignFunction*>(userdata))(ByteView(data, len));
        Sink(signature).write(sig);
        return 0;
    });
}

}  // namespace detail

/// What signs metadata (`tuf_signer`): a private key held by libtuf, or a SignFunction with its
/// public key (so that the private key can stay in an HSM, a KMS or another process).
/// Move-only. A signer with a private key may be used from several threads at once; a callback
/// signer calls its function on whichever thread signs.
class Signer {
public:
    /// Takes ownership of `signer` (freed with `tuf_signer_free`).
    explicit Signer(tuf_signer* signer) noexcept : handle_(signer) {}

    /// A signer from a PEM `PRIVATE KEY` block (unencrypted PKCS#8: Ed25519, ECDSA P-256 or
    /// P-384, RSA), with `scheme` (nullopt: the key's default) (`tuf_signer_from_pem`).
    static Signer from_pem(std::string_view pem,
                           std::optional<std::string_view> scheme = std::nullopt) {
        detail::CString p(pem);
        detail::OptionalCString s(scheme);
        return make([&](tuf_signer** out, tuf_error** e) {
            return ::tuf_signer_from_pem(p.get(), s.get(), out, e);
        });
    }
    /// An Ed25519 signer from its 32-byte private seed (`tuf_signer_from_ed25519_seed`).
    static Signer from_ed25519_seed(ByteView seed) {
        return make([&](tuf_signer** out, tuf_error** e) {
            return ::tuf_signer_from_ed25519_seed(seed.data(), seed.size(), out, e);
        });
    }
    /// A new private key for "ed25519", "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384"
    /// (`tuf_signer_generate`); keep it with private_key_pem.
    static Signer generate(std::string_view scheme) {
        detail::CString s(scheme);
        return make([&](tuf_signer** out, tuf_error** e) {
            return ::tuf_signer_generate(s.get(), out, e);
        });
    }
    /// A signer that calls `sign` for the public key `public_key` (copied); libtuf checks
    /// every signature it returns with that key (`tuf_signer_new_callback`). An exception
    /// thrown by `sign` fails the signing and is rethrown by the call that signed.
    static Signer from_callback(const KeyView& public_key, SignFunction sign) {
        auto holder = sign ? std::make_unique<const SignFunction>(std::move(sign)) : nullptr;
        Signer signer = make([&](tuf_signer** out, tuf_error** e) {
            return ::tuf_signer_new_callback(public_key.native_handle(),
                                             holder ? &detail::sign_trampoline : nullptr,
                                             const_cast<SignFunction*>(holder.get()), out, e);
        });
        signer.sign_function_ = std::move(holder);
        return signer;
    }

    /// The public key and keyid, to add to root or delegations (`tuf_signer_key`); borrowed:
    /// valid while this signer lives.
    KeyView key() const {
        const tuf_key* k = ::tuf_signer_key(handle_.get());
        if (k == nullptr) {
            throw Error(Code::invalid_argument, "the handle is empty (moved from)");
        }
        return KeyView(k);
    }
    /// Signs `data` (`tuf_signer_sign`); the signature bytes.
    std::vector<std::uint8_t> sign(ByteView data) const {
        detail::Call call;
        std::uint8_t* out = nullptr;
        std::size_t len = 0;
        tuf_result r =
            ::tuf_signer_sign(handle_.get(), data.data(), data.size(), &out, &len, call.err());
        std::vector<std::uint8_t> sig = detail::take_bytes(out, len);
        call.check(r);
        return sig;
    }
    /// The private key as a PEM `PRIVATE KEY` block (`tuf_signer_private_key_pem`). Secret: the
    /// C copy is overwritten before it is freed; overwrite yours when done.
    std::string private_key_pem() const {
        detail::Call call;
        char* out = nullptr;
        tuf_result r = ::tuf_signer_private_key_pem(handle_.get(), &out, call.err());
        detail::StringPtr owned(out);
        std::string pem = out != nullptr ? std::string(out) : std::string();
        if (out != nullptr) {
            volatile char* p = out;
            while (*p != '\0') {
                *p++ = '\0';
            }
        }
        call.check(r);
        return pem;
    }

    const tuf_signer* native_handle() const noexcept { return handle_.get(); }

private:
    template <class F>
    static Signer make(F&& f) {
        detail::Call call;
        tuf_signer* out = nullptr;
        tuf_result r = f(&out, call.err());
        Signer signer(out);
        call.check(r);
        return signer;
    }

    // Declared before the handle, so that the handle is freed first.
    std::unique_ptr<const SignFunction> sign_function_;
    detail::Owned<tuf_signer, ::tuf_signer_free> handle_;
};

}  // namespace tuf

#endif  // TUF_CPP_KEYS_HPP
