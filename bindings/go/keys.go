package tuf

// #include <stdlib.h>
// #include <string.h>
// #include "gotuf.h"
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Key is a public key (keytype, scheme, keyval) and the keyid it is listed under. It is
// immutable and safe for concurrent use; the garbage collector frees it.
type Key struct {
	c *C.tuf_key
}

func newKey(c *C.tuf_key) *Key {
	k := &Key{c: c}
	runtime.SetFinalizer(k, func(k *Key) { C.tuf_key_free(k.c) })
	return k
}

// KeyFromJSON reads a key object ({"keytype": ..., "scheme": ..., "keyval": {"public":
// ...}}; unknown fields are kept) listed under keyid ("": its default keyid, the SHA-256 of
// the canonical JSON of keytype, scheme and keyval). A key of a type libtuf does not know
// is accepted but never verifies (IsSupported).
func KeyFromJSON(json, keyid string) (*Key, error) {
	j, err := cString(json)
	if err != nil {
		return nil, err
	}
	defer freeString(j)
	id, err := cStringOrNil(keyid)
	if err != nil {
		return nil, err
	}
	defer freeString(id)
	var c *C.tuf_key
	var cerr *C.tuf_error
	if err := check(C.tuf_key_from_json(j, id, &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newKey(c), nil
}

// KeyFromPEM makes a key from a PEM PUBLIC KEY block holding an Ed25519, ECDSA P-256 or
// P-384, or RSA key, as securesystemslib's SSlibKey.from_pem; scheme "" picks the key's
// default scheme.
func KeyFromPEM(pem, scheme string) (*Key, error) {
	p, err := cString(pem)
	if err != nil {
		return nil, err
	}
	defer freeString(p)
	s, err := cStringOrNil(scheme)
	if err != nil {
		return nil, err
	}
	defer freeString(s)
	var c *C.tuf_key
	var cerr *C.tuf_error
	if err := check(C.tuf_key_from_pem(p, s, &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newKey(c), nil
}

func (k *Key) str(f func(*C.tuf_key) *C.char) string {
	s := goStringOrEmpty(f(k.c))
	runtime.KeepAlive(k)
	return s
}

// Keyid is the keyid the key is listed under.
func (k *Key) Keyid() string {
	return k.str(func(c *C.tuf_key) *C.char { return C.tuf_key_keyid(c) })
}

// Keytype is e.g. "ed25519", "ecdsa", "rsa".
func (k *Key) Keytype() string {
	return k.str(func(c *C.tuf_key) *C.char { return C.tuf_key_keytype(c) })
}

// Scheme is e.g. "ed25519", "ecdsa-sha2-nistp256", "rsassa-pss-sha256".
func (k *Key) Scheme() string {
	return k.str(func(c *C.tuf_key) *C.char { return C.tuf_key_scheme(c) })
}

// PublicValue is keyval.public: hex for Ed25519, a PEM SubjectPublicKeyInfo for ECDSA and
// RSA.
func (k *Key) PublicValue() string {
	return k.str(func(c *C.tuf_key) *C.char { return C.tuf_key_public_value(c) })
}

// JSON is the key object as compact JSON (without the keyid, as in a keys map).
func (k *Key) JSON() string {
	return k.str(func(c *C.tuf_key) *C.char { return C.tuf_key_to_json(c) })
}

// IsSupported reports whether libtuf can verify signatures with this key.
func (k *Key) IsSupported() bool {
	b := bool(C.tuf_key_is_supported(k.c))
	runtime.KeepAlive(k)
	return b
}

// VerifySignature verifies the raw signature sig over data with this key and its scheme;
// the error matches ErrBadSignature when it does not verify.
func (k *Key) VerifySignature(data, sig []byte) error {
	var cerr *C.tuf_error
	r := C.tuf_key_verify_signature(k.c, bytesPtr(data), C.size_t(len(data)), bytesPtr(sig), C.size_t(len(sig)), &cerr)
	runtime.KeepAlive(k)
	return check(r, cerr)
}

// Signer signs metadata (Metadata.Sign) and bytes: a private key held by libtuf
// (SignerFromPEM, SignerFromEd25519Seed, GenerateSigner) or a Go function with its public
// key (NewCallbackSigner, e.g. for an HSM or a KMS).
//
// A Signer is safe for concurrent use: signers with a private key sign from several
// goroutines at once, callback signers one signature at a time. Close frees it; a finalizer
// frees one that was not closed, as a backstop only.
type Signer struct {
	mu sync.RWMutex // Close takes it exclusively; so does signing with a callback signer
	c  *C.tuf_signer
	st *signState
	ud *userdata // of st, for a callback signer
}

func newSigner(c *C.tuf_signer, st *signState, ud *userdata) *Signer {
	s := &Signer{c: c, st: st, ud: ud}
	runtime.SetFinalizer(s, (*Signer).Close)
	return s
}

// SignerFromPEM makes a signer from a PEM PRIVATE KEY block (unencrypted PKCS#8) holding
// an Ed25519, ECDSA P-256 or P-384, or RSA key; scheme "" picks the key's default.
func SignerFromPEM(pem, scheme string) (*Signer, error) {
	p, err := cString(pem)
	if err != nil {
		return nil, err
	}
	defer func() {
		C.memset(unsafe.Pointer(p), 0, C.size_t(len(pem)))
		freeString(p)
	}()
	s, err := cStringOrNil(scheme)
	if err != nil {
		return nil, err
	}
	defer freeString(s)
	var c *C.tuf_signer
	var cerr *C.tuf_error
	if err := check(C.tuf_signer_from_pem(p, s, &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newSigner(c, nil, nil), nil
}

// SignerFromEd25519Seed makes an Ed25519 signer from its 32-byte private seed.
func SignerFromEd25519Seed(seed []byte) (*Signer, error) {
	var c *C.tuf_signer
	var cerr *C.tuf_error
	r := C.tuf_signer_from_ed25519_seed(bytesPtr(seed), C.size_t(len(seed)), &c, &cerr)
	runtime.KeepAlive(seed)
	if err := check(r, cerr); err != nil {
		return nil, err
	}
	return newSigner(c, nil, nil), nil
}

// GenerateSigner generates a new private key for scheme ("ed25519",
// "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384"); keep it with PrivateKeyPEM.
func GenerateSigner(scheme string) (*Signer, error) {
	s, err := cString(scheme)
	if err != nil {
		return nil, err
	}
	defer freeString(s)
	var c *C.tuf_signer
	var cerr *C.tuf_error
	if err := check(C.tuf_signer_generate(s, &c, &cerr), cerr); err != nil {
		return nil, err
	}
	return newSigner(c, nil, nil), nil
}

// NewCallbackSigner makes a signer that calls sign for the public key publicKey: sign
// returns the signature of data (raw Ed25519, DER ECDSA, RSA; at most 65536 bytes). Every
// signature is checked with publicKey (when libtuf supports its type) before it is added
// to metadata. An error or a panic of sign fails the signing with ErrCrypto wrapping it.
func NewCallbackSigner(publicKey *Key, sign func(data []byte) ([]byte, error)) (*Signer, error) {
	if publicKey == nil || sign == nil {
		return nil, argError("nil public key or sign function")
	}
	st := &signState{sign: sign}
	ud := newUserdata(st)
	var c *C.tuf_signer
	var cerr *C.tuf_error
	r := C.tuf_signer_new_callback(publicKey.c, C.gotuf_sign_cb(), ud.p, &c, &cerr)
	runtime.KeepAlive(publicKey)
	if err := check(r, cerr); err != nil {
		ud.delete()
		return nil, err
	}
	return newSigner(c, st, ud), nil
}

// Close frees the signer; later uses fail. It may be called again.
func (s *Signer) Close() error {
	if err := wlock(&s.mu); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.c != nil {
		C.tuf_signer_free(s.c)
		s.c = nil
		s.ud.delete()
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

// use runs f with the signer's handle held as its signing rules require, and returns the
// error of a callback signer's function, if f's call failed for it.
func (s *Signer) use(f func(c *C.tuf_signer) error) error {
	if s == nil {
		return argError("nil signer")
	}
	if s.st != nil {
		if err := wlock(&s.mu); err != nil {
			return err
		}
		defer s.mu.Unlock()
		s.st.err = nil
	} else {
		if err := rlock(&s.mu); err != nil {
			return err
		}
		defer s.mu.RUnlock()
	}
	if s.c == nil {
		return errClosed("signer")
	}
	err := f(s.c)
	runtime.KeepAlive(s)
	if err != nil && s.st != nil && s.st.err != nil {
		if e, ok := err.(*Error); ok && e.Err == nil {
			e.Err = s.st.err
		}
	}
	return err
}

// Key is the signer's public key and keyid, to add to root or delegations: a copy, valid
// after the signer is closed (nil once it is).
func (s *Signer) Key() *Key {
	if rlock(&s.mu) != nil {
		return nil
	}
	defer s.mu.RUnlock()
	if s.c == nil {
		return nil
	}
	lent := C.tuf_signer_key(s.c)
	var c *C.tuf_key
	if C.tuf_key_from_json(C.tuf_key_to_json(lent), C.tuf_key_keyid(lent), &c, nil) != C.TUF_OK {
		return nil
	}
	runtime.KeepAlive(s)
	return newKey(c)
}

// Sign signs data (securesystemslib's Signer.Sign) and returns the raw signature.
func (s *Signer) Sign(data []byte) ([]byte, error) {
	var sig []byte
	err := s.use(func(c *C.tuf_signer) error {
		var out *C.uint8_t
		var n C.size_t
		var cerr *C.tuf_error
		r := C.tuf_signer_sign(c, bytesPtr(data), C.size_t(len(data)), &out, &n, &cerr)
		runtime.KeepAlive(data)
		if err := check(r, cerr); err != nil {
			return err
		}
		sig = takeBytes(out, n)
		return nil
	})
	return sig, err
}

// PrivateKeyPEM is the private key as a PEM PRIVATE KEY block (unencrypted PKCS#8), to
// store it; it is secret. A callback signer has none (ErrInvalidArgument).
func (s *Signer) PrivateKeyPEM() (string, error) {
	var pem string
	err := s.use(func(c *C.tuf_signer) error {
		var out *C.char
		var cerr *C.tuf_error
		if err := check(C.tuf_signer_private_key_pem(c, &out, &cerr), cerr); err != nil {
			return err
		}
		pem = C.GoString(out)
		C.memset(unsafe.Pointer(out), 0, C.strlen(out))
		C.tuf_string_free(out)
		return nil
	})
	return pem, err
}
