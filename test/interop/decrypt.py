"""A FinCode-style server decryptor for the interop tests, with pyca/cryptography.

One interpreter decrypts a whole batch. stdin, one job per line, tab-separated:
    <mgf1 hash: SHA-256 | SHA-1> TAB <PKCS#8 private key, Base64 DER> TAB <ciphertext, standard Base64>
The OAEP label hash is always SHA-256:
    OAEP(mgf=MGF1(algorithm=<mgf1 hash>), algorithm=SHA256(), label=None)
stdout, one line per job, in order:
    OK TAB <plaintext bytes, Base64>      or      ERR TAB <exception class: message>
"""

import base64
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_private_key

MGF1_HASHES = {"SHA-256": hashes.SHA256, "SHA-1": hashes.SHA1}


def main() -> None:
    keys = {}
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        try:
            mgf1, key_b64, ciphertext_b64 = line.split("\t")
            key = keys.get(key_b64)
            if key is None:
                key = keys[key_b64] = load_der_private_key(base64.b64decode(key_b64, validate=True), password=None)
            oaep = padding.OAEP(mgf=padding.MGF1(algorithm=MGF1_HASHES[mgf1]()), algorithm=hashes.SHA256(), label=None)
            plaintext = key.decrypt(base64.b64decode(ciphertext_b64, validate=True), oaep)
            sys.stdout.write("OK\t" + base64.b64encode(plaintext).decode("ascii") + "\n")
        except Exception as e:  # one bad job must not stop the batch
            sys.stdout.write("ERR\t" + " ".join(f"{type(e).__name__}: {e}".split()) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
