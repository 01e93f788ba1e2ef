// Batch RSA-OAEP decryption with Java's default provider (SunJCE).
//
// usage: java JavaOaepDecrypt <PKCS#8 DER private key file> <mode>
//   mode "default": Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding") and
//                   init(DECRYPT_MODE, key) with NO parameter spec, as FinCode's Java sample does;
//   mode "MGF1-SHA-1" or "MGF1-SHA-256": "RSA/ECB/OAEPPadding" with an explicit
//                   OAEPParameterSpec("SHA-256", "MGF1", <that MGF1 hash>, PSource.PSpecified.DEFAULT).
// stdin: one Base64 ciphertext per line. stdout: first "# md=<label hash> mgf1=<MGF1 hash>" as the
// cipher reports its parameters, then per ciphertext "OK <Base64 of the plaintext bytes>" or "ERR <exception>".
// One JVM decrypts a whole batch: starting Java costs far more than decrypting.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

public class JavaOaepDecrypt {
  public static void main(String[] args) throws Exception {
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(Path.of(args[0]))));
    String mode = args[1];
    Cipher cipher;
    if (mode.equals("default")) {
      cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
      cipher.init(Cipher.DECRYPT_MODE, key);
    } else {
      MGF1ParameterSpec mgf1 = switch (mode) {
        case "MGF1-SHA-1" -> MGF1ParameterSpec.SHA1;
        case "MGF1-SHA-256" -> MGF1ParameterSpec.SHA256;
        default -> throw new IllegalArgumentException("mode must be default, MGF1-SHA-1 or MGF1-SHA-256");
      };
      cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", mgf1, PSource.PSpecified.DEFAULT));
    }
    OAEPParameterSpec used = cipher.getParameters().getParameterSpec(OAEPParameterSpec.class);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
    out.println("# md=" + used.getDigestAlgorithm() + " mgf1=" + ((MGF1ParameterSpec) used.getMGFParameters()).getDigestAlgorithm());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      try {
        out.println("OK " + Base64.getEncoder().encodeToString(cipher.doFinal(Base64.getDecoder().decode(line.trim()))));
      } catch (Exception e) {
        out.println("ERR " + e.getClass().getSimpleName());
      }
    }
    out.flush();
  }
}
