"""Generate the interop fixtures in this directory with pyca/cryptography.

Run once: `python3 gen.py`. Re-running makes new keys and signatures, so the
checked-in files are the reference; the Rust tests only read them.
"""
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

MESSAGE = open("message.txt", "rb").read()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def save_key(name, key):
    write(name + ".pkcs8.pem", key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    pub = key.public_key()
    if isinstance(pub, ed25519.Ed25519PublicKey):
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        write(name + ".pub.hex", raw.hex().encode())
    else:
        write(name + ".spki.pem", pub.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo))


def sig(scheme, data):
    write(scheme + ".sig.hex", data.hex().encode())


rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
save_key("rsa2048", rsa2048)
for bits in ("256", "384", "512"):
    h = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}[bits]()
    sig("rsassa-pss-sha" + bits, rsa2048.sign(
        MESSAGE, padding.PSS(mgf=padding.MGF1(h), salt_length=padding.PSS.DIGEST_LENGTH), h))
    sig("rsa-pkcs1v15-sha" + bits, rsa2048.sign(MESSAGE, padding.PKCS1v15(), h))
# PSS with the maximum salt length: valid for an auto-detecting verifier, not for ring.
sig("rsassa-pss-sha256-maxsalt", rsa2048.sign(
    MESSAGE, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
    hashes.SHA256()))

rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
write("rsa1024.spki.pem", rsa1024.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
sig("rsa1024-rsassa-pss-sha256", rsa1024.sign(
    MESSAGE, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH),
    hashes.SHA256()))

p256 = ec.generate_private_key(ec.SECP256R1())
save_key("p256", p256)
sig("ecdsa-sha2-nistp256", p256.sign(MESSAGE, ec.ECDSA(hashes.SHA256())))

p384 = ec.generate_private_key(ec.SECP384R1())
save_key("p384", p384)
sig("ecdsa-sha2-nistp384", p384.sign(MESSAGE, ec.ECDSA(hashes.SHA384())))

ed = ed25519.Ed25519PrivateKey.generate()
save_key("ed25519", ed)
sig("ed25519", ed.sign(MESSAGE))
