"""Batch RSA-OAEP decryption with Python's `cryptography`, label hash SHA-256.

usage: oaep_decrypt.py <private key PEM file> <MGF1 hash: SHA-1 | SHA-256>
stdin: one Base64 ciphertext per line.
stdout: per line, "OK <Base64 of the plaintext bytes>", or "ERR <exception>" when
decryption fails (a wrong MGF1 hash fails here, which the tests rely on).
One process decrypts a whole batch: starting Python costs more than decrypting.
"""
import base64
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

MGF1_HASHES = {"SHA-1": hashes.SHA1, "SHA-256": hashes.SHA256}


def main() -> None:
    key_file, mgf1_name = sys.argv[1], sys.argv[2]
    with open(key_file, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=MGF1_HASHES[mgf1_name]()), algorithm=hashes.SHA256(), label=None)
    out = []
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            out.append("OK " + base64.b64encode(key.decrypt(base64.b64decode(line, validate=True), oaep)).decode("ascii"))
        except Exception as error:  # noqa: BLE001 - every failure is reported per line
            out.append(f"ERR {type(error).__name__}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
