package tuf_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	tuf "github.com/libtuf/libtuf/bindings/go"
	"github.com/libtuf/libtuf/bindings/go/httpfetch"
)

// grow uses about depth KiB of goroutine stack, so that the stack is copied to a larger one.
func grow(depth int) int {
	var pad [1024]byte
	pad[depth%1024] = byte(depth)
	if depth == 0 {
		return int(pad[0])
	}
	return grow(depth-1) + int(pad[depth%1024])
}

// atDepth runs f below depth frames of 128 bytes of stack.
func atDepth(depth int, f func()) {
	var pad [128]byte
	if depth == 0 {
		f()
		return
	}
	atDepth(depth-1, f)
	pad[depth%128]++
}

// NewUpdater, SetTargetProgress and a callback signer called at many stack depths of a
// fresh goroutine (128-byte steps), so that the stack grows at different points of the
// functions that hold a callback's userdata.
func TestUserdataAtEveryStackDepth(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	cfg.Fetcher = &httpfetch.Fetcher{}
	key, err := tuf.GenerateSigner("ed25519")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 1)
	for depth := 0; depth < 96; depth++ {
		go atDepth(depth, func() {
			u, err := tuf.NewUpdater(cfg)
			if err == nil {
				err = u.SetTargetProgress(func(uint64, uint64) {})
				u.Close()
			}
			if err == nil {
				var s *tuf.Signer
				if s, err = tuf.NewCallbackSigner(key.Key(), key.Sign); err == nil {
					_, err = s.Sign([]byte("x"))
					s.Close()
				}
			}
			errs <- err
		})
		if err := <-errs; err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
	}
}

// Callbacks that grow their goroutine's stack: the stack, with the frames of the calls into
// libtuf below the callback, is copied, and the runtime checks every pointer in it (it
// aborts with "invalid pointer found on stack" for an integer such as a cgo.Handle held as
// a pointer: the callbacks' userdata is C memory instead).
func TestCallbacksGrowingTheStack(t *testing.T) {
	srv := serveRepo(t, demoRepo(t))
	cfg := demoConfig(t, srv)
	http := &httpfetch.Fetcher{}
	cfg.Fetcher = tuf.FetcherFunc(func(ctx context.Context, url string, maxLength uint64, w io.Writer) error {
		grow(256)
		return http.Fetch(ctx, url, maxLength, w)
	})
	cfg.OnTransferProgress = func(string, uint64, uint64) { grow(128) }
	done := make(chan error, 1)
	go func() { // a fresh goroutine: a small stack, which the callbacks outgrow
		u, err := tuf.NewUpdater(cfg)
		if err == nil {
			defer u.Close()
			if err = u.SetTargetProgress(func(uint64, uint64) { grow(128) }); err == nil {
				var info *tuf.TargetInfo
				if info, err = u.GetTargetInfo(context.Background(), "apps/app-1.0.tar.gz"); err == nil {
					_, err = u.DownloadTarget(context.Background(), info, "")
				}
			}
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	go func() {
		v, err := tuf.NewVerifier(readFile(t, filepath.Join(demoRepo(t), "root.json")), tuf.VerifierOptions{})
		if err != nil {
			done <- err
			return
		}
		defer v.Close()
		if _, err := v.UpdateTimestamp(demoMetadata(t, "timestamp.json")); err != nil {
			done <- err
			return
		}
		if err := v.UpdateSnapshot(demoMetadata(t, "1.snapshot.json"), false); err != nil {
			done <- err
			return
		}
		_, err = v.FindTarget("apps/app-1.1.tar.gz", 0, func(role string, version, maxLength uint64, w io.Writer) error {
			grow(256)
			_, err := w.Write(readFile(t, filepath.Join(demoRepo(t), "metadata", "1."+role+".json")))
			return err
		})
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
