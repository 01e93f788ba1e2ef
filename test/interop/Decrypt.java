// A FinCode-style server decryptor for the interop tests: the JDK's own
// provider (SunJCE), set up the ways real servers set it up.
//
// One JVM decrypts a whole batch (JVM start-up costs more than hundreds of
// decryptions). stdin, one job per line, tab-separated:
//     <setup> TAB <PKCS#8 private key, Base64 DER> TAB <ciphertext, standard Base64>
// setup:
//     explicit-sha256  Cipher "RSA/ECB/OAEPPadding" + OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)
//                      (what FinCode's docs ask for; matches WebCrypto)
//     explicit-sha1    the same with MGF1ParameterSpec.SHA1
//     java-default     Cipher "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" with no spec: SunJCE then uses MGF1-SHA-1
// stdout, one line per job, in order:
//     OK TAB <plaintext bytes, Base64> TAB <parameters>      or      ERR TAB <exception class: message> TAB <parameters>
// where <parameters> is what the initialised cipher reports it uses, "md=SHA-256 mgf1=SHA-1"
// (empty when the job failed before the cipher was set up): the proof that "java-default"
// really means MGF1-SHA-1, in Java's own words.
// The plaintext goes back as Base64 so the caller compares exact bytes, not a
// re-decoded string that could hide a wrong encoding.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

public final class Decrypt {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    Map<String, PrivateKey> keys = new HashMap<>();
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isEmpty()) continue;
      String parameters = "";
      try {
        String[] job = line.split("\t", -1);
        if (job.length != 3) throw new IllegalArgumentException("expected 3 tab-separated fields, got " + job.length);
        PrivateKey key = keys.get(job[1]);
        if (key == null) {
          key = rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(job[1])));
          keys.put(job[1], key);
        }
        Cipher cipher;
        switch (job[0]) {
          case "explicit-sha256":
            cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            break;
          case "explicit-sha1":
            cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
            break;
          case "java-default":
            cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
            cipher.init(Cipher.DECRYPT_MODE, key);
            break;
          default:
            throw new IllegalArgumentException("unknown setup " + job[0]);
        }
        OAEPParameterSpec used = cipher.getParameters().getParameterSpec(OAEPParameterSpec.class);
        parameters = "md=" + used.getDigestAlgorithm() + " mgf1=" + ((MGF1ParameterSpec) used.getMGFParameters()).getDigestAlgorithm();
        byte[] plaintext = cipher.doFinal(Base64.getDecoder().decode(job[2]));
        out.print("OK\t" + Base64.getEncoder().encodeToString(plaintext) + "\t" + parameters + "\n");
      } catch (Exception e) {
        out.print("ERR\t" + e.toString().replaceAll("\\s+", " ") + "\t" + parameters + "\n");
      }
    }
    out.flush();
  }
}
