package tuf_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// writeSigned signs md with signers and writes it to path in python-tuf's format.
func writeSigned(t *testing.T, md *tuf.Metadata, path string, signers ...*tuf.Signer) []byte {
	t.Helper()
	for i, s := range signers {
		ok(t, md.Sign(s, i > 0))
	}
	b := must[[]byte](t)(md.Bytes(tuf.FormatPretty))
	ok(t, os.MkdirAll(filepath.Dir(path), 0o755))
	ok(t, os.WriteFile(path, b, 0o644))
	return b
}

// TestBuildRepositoryAndUpdate writes a repository with the Metadata API (keys of three
// kinds, a Go callback signer, a delegated role, consistent snapshots), serves it, and
// downloads its targets with an Updater.
func TestBuildRepositoryAndUpdate(t *testing.T) {
	repo := t.TempDir()
	expires := time.Now().Add(24 * time.Hour)
	rootSigner := must[*tuf.Signer](t)(tuf.GenerateSigner("ed25519"))
	seed := bytes.Repeat([]byte{7}, 32)
	timestampSigner := must[*tuf.Signer](t)(tuf.SignerFromEd25519Seed(seed))
	snapshotSigner := must[*tuf.Signer](t)(tuf.GenerateSigner("ecdsa-sha2-nistp256"))
	// targets: a private key kept outside libtuf, behind a Go sign function.
	hsm := must[*tuf.Signer](t)(tuf.GenerateSigner("ecdsa-sha2-nistp384"))
	signCalls := 0
	targetsSigner := must[*tuf.Signer](t)(tuf.NewCallbackSigner(hsm.Key(), func(data []byte) ([]byte, error) {
		signCalls++
		return hsm.Sign(data)
	}))
	// The delegated role's key goes through PEM and back.
	appsPEM := must[string](t)(must[*tuf.Signer](t)(tuf.GenerateSigner("ed25519")).PrivateKeyPEM())
	appsSigner := must[*tuf.Signer](t)(tuf.SignerFromPEM(appsPEM, ""))

	root := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleRoot, expires))
	for role, s := range map[tuf.RoleType]*tuf.Signer{
		tuf.RoleRoot: rootSigner, tuf.RoleTimestamp: timestampSigner,
		tuf.RoleSnapshot: snapshotSigner, tuf.RoleTargets: targetsSigner,
	} {
		ok(t, root.AddRootKey(role, s.Key()))
	}
	rootBytes := writeSigned(t, root, filepath.Join(repo, "metadata", "1.root.json"), rootSigner)
	ok(t, root.VerifyDelegate("root", root))

	hello := []byte("hello, world\n")
	app := bytes.Repeat([]byte("app"), 1000)
	targets := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleTargets, expires))
	helloEntry := must[*tuf.TargetFile](t)(tuf.TargetFileFromBytes("hello.txt", hello))
	ok(t, helloEntry.SetCustom(json.RawMessage(`{"kind":"greeting"}`)))
	ok(t, targets.AddTarget(helloEntry))
	ok(t, targets.AddDelegatedRole(tuf.DelegatedRole{Name: "apps", Threshold: 1, Terminating: true, Paths: []string{"apps/*"}}))
	ok(t, targets.AddDelegatedKey("apps", appsSigner.Key()))
	targetsBytes := writeSigned(t, targets, filepath.Join(repo, "metadata", "1.targets.json"), targetsSigner)
	if signCalls != 1 {
		t.Fatalf("the sign function ran %d times", signCalls)
	}

	apps := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleTargets, expires))
	appFile := filepath.Join(t.TempDir(), "a.bin")
	ok(t, os.WriteFile(appFile, app, 0o644))
	ok(t, apps.AddTarget(must[*tuf.TargetFile](t)(tuf.TargetFileFromFile("apps/a.bin", appFile))))
	appsBytes := writeSigned(t, apps, filepath.Join(repo, "metadata", "1.apps.json"), appsSigner)
	ok(t, targets.VerifyDelegate("apps", apps))

	snapshot := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleSnapshot, expires))
	ok(t, snapshot.SetMetaFromBytes("targets.json", 1, targetsBytes))
	ok(t, snapshot.SetMetaFromBytes("apps.json", 1, appsBytes))
	snapshotBytes := writeSigned(t, snapshot, filepath.Join(repo, "metadata", "1.snapshot.json"), snapshotSigner)

	timestamp := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleTimestamp, expires))
	ok(t, timestamp.SetMetaFromBytes("snapshot.json", 1, snapshotBytes))
	writeSigned(t, timestamp, filepath.Join(repo, "metadata", "timestamp.json"), timestampSigner)
	for _, md := range []*tuf.Metadata{timestamp, snapshot, targets} {
		role := md.Type().String()
		ok(t, root.VerifyDelegate(role, md))
	}
	if err := root.VerifyDelegate("targets", timestamp); err == nil {
		t.Fatal("timestamp verified as targets")
	}

	for name, data := range map[string][]byte{"hello.txt": hello, "apps/a.bin": app} {
		sum := sha256.Sum256(data)
		p := filepath.Join(repo, "targets", filepath.Dir(name), hex.EncodeToString(sum[:])+"."+filepath.Base(name))
		ok(t, os.MkdirAll(filepath.Dir(p), 0o755))
		ok(t, os.WriteFile(p, data, 0o644))
	}

	srv := serveRepo(t, repo)
	dir := t.TempDir()
	u := newUpdater(t, tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    srv.metadataURL(),
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: srv.targetsURL(),
		BootstrapRoot:  rootBytes,
		StrictKeyids:   true,
	})
	for name, data := range map[string][]byte{"hello.txt": hello, "apps/a.bin": app} {
		info := must[*tuf.TargetInfo](t)(u.GetTargetInfo(context.Background(), name))
		path := must[string](t)(u.DownloadTarget(context.Background(), info, ""))
		if !bytes.Equal(readFile(t, path), data) {
			t.Fatalf("%s differs", name)
		}
		if name == "hello.txt" && string(info.Custom) != `{"kind":"greeting"}` {
			t.Fatalf("custom: %s", info.Custom)
		}
	}
}

// TestReadAndEditMetadata reads the demo repository's files and goes through the getters
// and setters.
func TestReadAndEditMetadata(t *testing.T) {
	for _, name := range []string{"1.root.json", "timestamp.json", "1.snapshot.json", "1.targets.json", "1.apps.json"} {
		data := demoMetadata(t, name)
		md := must[*tuf.Metadata](t)(tuf.MetadataFromBytes(data))
		out := must[[]byte](t)(md.Bytes(tuf.FormatPretty))
		if !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(data)) {
			t.Errorf("%s: written back differently", name)
		}
		canonical := must[[]byte](t)(md.Bytes(tuf.FormatCanonical))
		compact := must[[]byte](t)(md.Bytes(tuf.FormatCompact))
		if bytes.Contains(compact, []byte("\n")) || len(canonical) == 0 {
			t.Errorf("%s: compact %q", name, compact)
		}
		md.Close()
	}

	root := must[*tuf.Metadata](t)(tuf.MetadataFromBytes(demoMetadata(t, "1.root.json")))
	defer root.Close()
	if root.Type() != tuf.RoleRoot || root.Version() != 1 || root.SpecVersion() == "" || !root.ConsistentSnapshot() {
		t.Fatalf("root: %v %d %q", root.Type(), root.Version(), root.SpecVersion())
	}
	if root.Expires().Year() != 2099 || root.IsExpired(time.Time{}) || !root.IsExpired(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("expires %v", root.Expires())
	}
	ids := root.RootKeyids()
	if len(ids) == 0 || root.RoleThreshold(tuf.RoleRoot) != 1 || len(root.RoleKeyids(tuf.RoleTimestamp)) != 1 {
		t.Fatalf("root keys %v", ids)
	}
	key := must[*tuf.Key](t)(root.RootKey(root.RoleKeyids(tuf.RoleRoot)[0]))
	if key.Keytype() != "ed25519" || key.Scheme() != "ed25519" || !key.IsSupported() || key.Keyid() != root.RoleKeyids(tuf.RoleRoot)[0] {
		t.Fatalf("root key %s %s", key.Keytype(), key.Scheme())
	}
	again := must[*tuf.Key](t)(tuf.KeyFromJSON(key.JSON(), ""))
	if again.Keyid() != key.Keyid() || again.PublicValue() != key.PublicValue() {
		t.Fatalf("key JSON round trip: %s vs %s", again.Keyid(), key.Keyid())
	}
	sigs := root.Signatures()
	if len(sigs) != 1 || sigs[0].Keyid != key.Keyid() {
		t.Fatalf("signatures %v", sigs)
	}
	signed := must[[]byte](t)(root.SignedBytes())
	sig, _ := hex.DecodeString(sigs[0].Hex)
	ok(t, key.VerifySignature(signed, sig))
	if err := key.VerifySignature(append(signed, ' '), sig); !errors.Is(err, tuf.ErrBadSignature) {
		t.Fatalf("VerifySignature of other bytes: %v", err)
	}

	// Edits.
	ok(t, root.BumpVersion())
	ok(t, root.SetVersion(5))
	ok(t, root.SetSpecVersion("1.0.0"))
	ok(t, root.SetExpires(time.Date(2050, 1, 2, 3, 4, 5, 0, time.UTC)))
	ok(t, root.SetConsistentSnapshot(false))
	ok(t, root.SetRoleThreshold(tuf.RoleSnapshot, 2))
	if root.Version() != 5 || root.SpecVersion() != "1.0.0" || root.Expires() != time.Date(2050, 1, 2, 3, 4, 5, 0, time.UTC) ||
		root.ConsistentSnapshot() || root.RoleThreshold(tuf.RoleSnapshot) != 2 {
		t.Fatal("edits not applied")
	}
	if err := root.SetVersion(0); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("version 0: %v", err)
	}
	ok(t, root.RevokeRootKey(tuf.RoleTimestamp, root.RoleKeyids(tuf.RoleTimestamp)[0]))
	if len(root.RoleKeyids(tuf.RoleTimestamp)) != 0 {
		t.Fatal("revoked key still listed")
	}
	ok(t, root.SetUnrecognizedFields("/signed", json.RawMessage(`{"x-note":"hi"}`)))
	if f := must[json.RawMessage](t)(root.UnrecognizedFields("/signed")); string(f) != `{"x-note":"hi"}` {
		t.Fatalf("unrecognized fields %s", f)
	}
	if err := root.SetUnrecognizedFields("/signed", json.RawMessage(`{"version":1}`)); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("a known field as unknown: %v", err)
	}
	// A signature made elsewhere.
	s := must[*tuf.Signer](t)(tuf.GenerateSigner("ed25519"))
	sig = must[[]byte](t)(s.Sign(must[[]byte](t)(root.SignedBytes())))
	ok(t, root.AddSignature(s.Key().Keyid(), hex.EncodeToString(sig)))
	if len(root.Signatures()) != 2 {
		t.Fatal("AddSignature")
	}
	if err := root.VerifyDelegate("root", root); !errors.Is(err, tuf.ErrBadSignature) {
		t.Fatalf("changed root still verifies: %v", err)
	}
	if _, err := s.Key().JSON(), s.Close(); err != nil || s.Key() != nil {
		t.Fatal("closed signer")
	}

	// Timestamp and snapshot meta.
	ts := must[*tuf.Metadata](t)(tuf.MetadataFromBytes(demoMetadata(t, "timestamp.json")))
	if names := ts.MetaNames(); !reflect.DeepEqual(names, []string{"snapshot.json"}) {
		t.Fatalf("meta names %v", names)
	}
	length := uint64(42)
	ok(t, ts.SetMeta("snapshot.json", 3, &length, map[string]string{"sha256": strings.Repeat("ab", 32)}))
	mf := must[tuf.MetaFile](t)(ts.Meta("snapshot.json"))
	if mf.Version != 3 || mf.Length == nil || *mf.Length != 42 || len(mf.Hashes) != 1 || mf.Hashes[0].Algorithm != "sha256" {
		t.Fatalf("meta %+v", mf)
	}
	if err := ts.RemoveMeta("snapshot.json"); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("removing timestamp's entry: %v", err)
	}
	snap := must[*tuf.Metadata](t)(tuf.MetadataFromBytes(demoMetadata(t, "1.snapshot.json")))
	ok(t, snap.RemoveMeta("apps.json"))
	if names := snap.MetaNames(); !reflect.DeepEqual(names, []string{"targets.json"}) {
		t.Fatalf("after RemoveMeta: %v", names)
	}

	// Targets and delegations.
	tg := must[*tuf.Metadata](t)(tuf.MetadataFromBytes(demoMetadata(t, "1.targets.json")))
	if !tg.HasDelegations() || len(tg.DelegationKeyids()) != 1 {
		t.Fatal("delegations")
	}
	roles := tg.DelegatedRoles()
	if len(roles) != 1 || roles[0].Name != "apps" || !roles[0].Terminating || !reflect.DeepEqual(roles[0].Paths, []string{"apps/*"}) ||
		roles[0].PathHashPrefixes != nil || len(roles[0].Keyids) != 1 || roles[0].Threshold != 1 {
		t.Fatalf("roles %+v", roles)
	}
	dkey := must[*tuf.Key](t)(tg.DelegationKey(roles[0].Keyids[0]))
	ok(t, tg.AddDelegatedRole(tuf.DelegatedRole{Name: "bins", Threshold: 1, PathHashPrefixes: []string{"00", "01"}}))
	ok(t, tg.AddDelegatedRole(tuf.DelegatedRole{Name: "none", Threshold: 1, Paths: []string{}}))
	ok(t, tg.AddDelegatedKey("bins", dkey))
	ok(t, tg.SetDelegationThreshold("bins", 1))
	roles = tg.DelegatedRoles()
	if len(roles) != 3 || !reflect.DeepEqual(roles[1].PathHashPrefixes, []string{"00", "01"}) || roles[2].Paths == nil || len(roles[2].Paths) != 0 {
		t.Fatalf("roles after adding: %+v", roles)
	}
	ok(t, tg.RevokeDelegatedKey("bins", dkey.Keyid()))
	ok(t, tg.RemoveDelegatedRole("bins"))
	ok(t, tg.RemoveDelegatedRole("none"))
	if err := tg.AddDelegatedRole(tuf.DelegatedRole{Name: "both", Threshold: 1, Paths: []string{"a"}, PathHashPrefixes: []string{"0"}}); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("paths and prefixes: %v", err)
	}
	paths := tg.TargetPaths()
	if len(paths) != 2 {
		t.Fatalf("target paths %v", paths)
	}
	entry := must[*tuf.TargetFile](t)(tg.Target("hello.txt"))
	if entry.Path() != "hello.txt" || entry.Length() == 0 || entry.Hashes()[0].Algorithm != "sha256" || entry.Custom() != nil {
		t.Fatalf("entry %s %d %v %s", entry.Path(), entry.Length(), entry.Hashes(), entry.Custom())
	}
	ok(t, tg.RemoveTarget("hello.txt"))
	if _, err := tg.Target("hello.txt"); !errors.Is(err, tuf.ErrTargetNotFound) {
		t.Fatalf("removed target: %v", err)
	}
	nf := must[*tuf.TargetFile](t)(tuf.NewTargetFile("x/y.bin", 3, map[string]string{"sha256": strings.Repeat("0", 64)}))
	ok(t, nf.SetCustom(nil))
	ok(t, tg.AddTarget(nf))
	ok(t, nf.Close())
	if nf.Path() != "" {
		t.Fatal("closed target file has a path")
	}

	// Succinct hash bins.
	bins := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleTargets, time.Now().Add(time.Hour)))
	ok(t, bins.SetSuccinctDelegation(4, "bin", 1))
	ok(t, bins.AddDelegatedKey("", dkey))
	sr, has := bins.SuccinctRoles()
	if !has || sr.BitLength != 4 || sr.NamePrefix != "bin" || sr.BinCount != 16 || sr.Threshold != 1 || len(sr.Keyids) != 1 {
		t.Fatalf("succinct %+v", sr)
	}
	if name := must[string](t)(bins.SuccinctBinName(10)); name != "bin-a" {
		t.Fatalf("bin 10: %s", name)
	}
	if name := must[string](t)(bins.SuccinctBinForTarget("hello.txt")); !strings.HasPrefix(name, "bin-") {
		t.Fatalf("bin of hello.txt: %s", name)
	}
	if _, has := tg.SuccinctRoles(); has {
		t.Fatal("classic delegations reported as succinct")
	}
}

func TestKeysAndSigners(t *testing.T) {
	if _, err := tuf.GenerateSigner("rsassa-pss-sha256"); !errors.Is(err, tuf.ErrCrypto) {
		t.Fatalf("RSA generation: %v", err)
	}
	if _, err := tuf.SignerFromEd25519Seed([]byte{1, 2, 3}); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("short seed: %v", err)
	}
	if _, err := tuf.KeyFromPEM("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", ""); !errors.Is(err, tuf.ErrCrypto) {
		t.Fatalf("bad PEM: %v", err)
	}
	if _, err := tuf.KeyFromJSON(`{"keytype": 1}`, ""); !errors.Is(err, tuf.ErrInvalidMetadata) {
		t.Fatalf("bad key JSON: %v", err)
	}
	s := must[*tuf.Signer](t)(tuf.GenerateSigner("ecdsa-sha2-nistp256"))
	if !strings.HasPrefix(s.Key().PublicValue(), "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("ECDSA public value %q", s.Key().PublicValue())
	}
	fromPEM := must[*tuf.Key](t)(tuf.KeyFromPEM(s.Key().PublicValue(), ""))
	if fromPEM.Keyid() != s.Key().Keyid() {
		t.Fatal("keyid of the PEM key differs")
	}

	// A callback signer's errors and panics come back in the *tuf.Error.
	md := must[*tuf.Metadata](t)(tuf.NewMetadata(tuf.RoleTimestamp, time.Now().Add(time.Hour)))
	refused := errors.New("the HSM said no")
	bad := must[*tuf.Signer](t)(tuf.NewCallbackSigner(s.Key(), func([]byte) ([]byte, error) { return nil, refused }))
	if err := md.Sign(bad, false); !errors.Is(err, tuf.ErrCrypto) || !errors.Is(err, refused) {
		t.Fatalf("failing sign function: %v", err)
	}
	if _, err := bad.Sign([]byte("x")); !errors.Is(err, refused) {
		t.Fatalf("failing sign function through Signer.Sign: %v", err)
	}
	wrong := must[*tuf.Signer](t)(tuf.NewCallbackSigner(s.Key(), func([]byte) ([]byte, error) { return []byte("not a signature"), nil }))
	if err := md.Sign(wrong, false); !errors.Is(err, tuf.ErrCrypto) {
		t.Fatalf("a signature that does not verify: %v", err)
	}
	panicky := must[*tuf.Signer](t)(tuf.NewCallbackSigner(s.Key(), func([]byte) ([]byte, error) { panic("sign bug") }))
	var p *tuf.CallbackPanicError
	if err := md.Sign(panicky, false); !errors.As(err, &p) || p.Callback != "sign" {
		t.Fatalf("panicking sign function: %v", err)
	}
	if _, err := panicky.PrivateKeyPEM(); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("private key of a callback signer: %v", err)
	}
	if len(md.Signatures()) != 0 {
		t.Fatal("failed signings left signatures")
	}
	ok(t, md.Sign(s, false))
	ok(t, panicky.Close())
	if err := md.Sign(panicky, false); !errors.Is(err, tuf.ErrState) {
		t.Fatalf("closed signer: %v", err)
	}
}
