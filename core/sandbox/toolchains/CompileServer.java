// A warm javac: one long-lived JVM (inside its own sandbox) compiles each program in memory with the JDK's compiler
// API, so javac's start-up and JIT warm-up are paid once instead of per candidate. It only compiles (annotation
// processing off): candidate code never runs here. Protocol, one line each way:
//   request  `<id>\t<file name>\t<base64 source>\t<classpath>`
//   response `<id>\t<0 ok | 1 failed>\t<base64 diagnostics>\t<name>:<base64 class bytes>,...`
// Imported as text (?raw) so the bundled CLI carries it; compiled once per toolchain cache dir.
import java.io.*;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import javax.tools.*;

public class CompileServer {
  static final JavaCompiler COMPILER = ToolProvider.getSystemJavaCompiler();
  static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  static final class Source extends SimpleJavaFileObject {
    final String text;
    Source(String name, String text) { super(URI.create("string:///" + name), Kind.SOURCE); this.text = text; }
    @Override public CharSequence getCharContent(boolean ignore) { return text; }
  }

  static final class ClassOut extends SimpleJavaFileObject {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ClassOut(String name) { super(URI.create("bytes:///" + name.replace('.', '/') + ".class"), Kind.CLASS); }
    @Override public OutputStream openOutputStream() { return bytes; }
  }

  static String compile(String id, String fileName, String source, String classpath) throws IOException {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ClassOut> classes = new TreeMap<>();
    StandardJavaFileManager standard = COMPILER.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
    JavaFileManager manager = new ForwardingJavaFileManager<JavaFileManager>(standard) {
      @Override public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
        ClassOut out = new ClassOut(name);
        classes.put(name, out);
        return out;
      }
    };
    List<String> options = new ArrayList<>(List.of("-encoding", "UTF8", "-proc:none", "-Xlint:none"));
    if (!classpath.isEmpty()) { options.add("-cp"); options.add(classpath); }
    StringWriter messages = new StringWriter();
    boolean ok = COMPILER.getTask(messages, manager, diagnostics, options, null, List.of(new Source(fileName, source))).call();
    StringBuilder text = new StringBuilder(messages.toString());
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      text.append(fileName).append(':').append(d.getLineNumber()).append(": ")
          .append(d.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
          .append(d.getMessage(Locale.ROOT)).append('\n');
    }
    Base64.Encoder b64 = Base64.getEncoder();
    StringJoiner files = new StringJoiner(",");
    if (ok) for (Map.Entry<String, ClassOut> e : classes.entrySet()) {
      files.add(e.getKey().replace('.', '/') + ".class:" + b64.encodeToString(e.getValue().bytes.toByteArray()));
    }
    return id + "\t" + (ok ? "0" : "1") + "\t" + b64.encodeToString(text.toString().getBytes(StandardCharsets.UTF_8)) + "\t" + files;
  }

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Integer.parseInt(args.length > 0 ? args[0] : "2")));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      final String[] f = line.split("\t", -1);
      pool.submit(() -> {
        String reply;
        try {
          String source = new String(Base64.getDecoder().decode(f[2]), StandardCharsets.UTF_8);
          reply = compile(f[0], f[1], source, f.length > 3 ? f[3] : "");
        } catch (Throwable t) {
          reply = f[0] + "\t2\t" + Base64.getEncoder().encodeToString(String.valueOf(t).getBytes(StandardCharsets.UTF_8)) + "\t";
        }
        synchronized (OUT) { OUT.println(reply); }
      });
    }
    pool.shutdown();
  }
}
