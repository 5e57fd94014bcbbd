package tuf_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// Every code has its sentinel; each sentinel matches its own code only, also wrapped.
func TestSentinelPerCode(t *testing.T) {
	sentinels := []struct {
		code  tuf.Code
		value uint32
		err   error
	}{
		{tuf.CodeInvalidArgument, 1, tuf.ErrInvalidArgument},
		{tuf.CodeInvalidMetadata, 2, tuf.ErrInvalidMetadata},
		{tuf.CodeBadSignature, 3, tuf.ErrBadSignature},
		{tuf.CodeBadVersion, 4, tuf.ErrBadVersion},
		{tuf.CodeExpired, 5, tuf.ErrExpired},
		{tuf.CodeLengthOrHashMismatch, 6, tuf.ErrLengthOrHashMismatch},
		{tuf.CodeRepository, 7, tuf.ErrRepository},
		{tuf.CodeDownload, 8, tuf.ErrDownload},
		{tuf.CodeLengthExceeded, 9, tuf.ErrLengthExceeded},
		{tuf.CodeSlowRetrieval, 10, tuf.ErrSlowRetrieval},
		{tuf.CodeIO, 11, tuf.ErrIO},
		{tuf.CodeTargetNotFound, 12, tuf.ErrTargetNotFound},
		{tuf.CodeState, 13, tuf.ErrState},
		{tuf.CodeCrypto, 14, tuf.ErrCrypto},
		{tuf.CodePanic, 15, tuf.ErrPanic},
		{tuf.CodeCancelled, 16, tuf.ErrCancelled},
	}
	seen := map[string]bool{}
	for _, s := range sentinels {
		if uint32(s.code) != s.value {
			t.Errorf("code %v is %d, tuf.h says %d", s.code, s.code, s.value)
		}
		desc := s.code.String()
		if desc == "" || seen[desc] {
			t.Errorf("code %d: description %q", s.value, desc)
		}
		seen[desc] = true
		err := fmt.Errorf("context: %w", &tuf.Error{Code: s.code, Message: "m"})
		for _, other := range sentinels {
			if got := errors.Is(err, other.err); got != (other.code == s.code) {
				t.Errorf("errors.Is(code %d, sentinel of %d) = %v", s.value, other.value, got)
			}
		}
		var e *tuf.Error
		if !errors.As(err, &e) || e.Code != s.code || e.Error() != "tuf: m" {
			t.Errorf("errors.As: %v", e)
		}
	}
	if tuf.CodeOK != 0 || tuf.Code(999).String() == "" {
		t.Error("CodeOK or the description of an unknown code")
	}
	// A sentinel is not an error of another sentinel, and a plain error matches none.
	if errors.Is(tuf.ErrExpired, tuf.ErrBadSignature) || errors.Is(errors.New("x"), tuf.ErrExpired) {
		t.Error("sentinels match too much")
	}
	cause := errors.New("cause")
	e := &tuf.Error{Code: tuf.CodeDownload, Message: "download failed", Err: cause}
	if !errors.Is(e, cause) || e.Error() != "tuf: download failed: cause" {
		t.Errorf("wrapped cause: %v", e)
	}
}

// The error of a fetch that failed is attached only to the failure of that download: a
// not-found root that ends the root update normally does not show up in a later signature
// failure.
func TestFetchErrorOnlyWhereItBelongs(t *testing.T) {
	repo := tamperedCopy(t, "metadata/timestamp.json", func(b []byte) []byte {
		c := append([]byte(nil), b...)
		c[len(c)-5] ^= 1
		return c
	})
	var calls atomic.Int32
	dir := t.TempDir()
	u := newUpdater(t, tuf.Config{
		MetadataDir:   dir,
		MetadataURL:   "store://demo/metadata/",
		BootstrapRoot: readFile(t, filepath.Join(demoRepo(t), "root.json")),
		Fetcher:       dirFetcher("store://demo/", repo, &calls),
	})
	err := u.Refresh(context.Background())
	if err == nil || errors.Is(err, tuf.ErrNotFound) || errors.Is(err, tuf.ErrDownload) {
		t.Fatalf("tampered timestamp through a fetcher: %v", err)
	}
	var e *tuf.Error
	if !errors.As(err, &e) || e.Err != nil {
		t.Fatalf("a verification failure carries a Go error: %#v", e)
	}
}
