// A warm mcs: one long-lived mono process (inside its own sandbox) runs the C# compiler in-process for each program
// (Mono.CSharp.CompilerCallableEntryPoint, which resets the compiler's state per call), so mcs's start-up and JIT
// are paid once. It only compiles: candidate code never runs here. mcs keeps static state, so one compile at a time.
// Protocol, one line each way:
//   request  `<id>\t<base64 source>\t<space-separated compiler options>`
//   response `<id>\t<0 ok | 1 failed>\t<base64 diagnostics>\t<base64 exe bytes or empty>`
using System;
using System.IO;
using System.Text;

class CompileServer {
  static void Main() {
    var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
    var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
    stdout.AutoFlush = true;
    string line;
    while ((line = stdin.ReadLine()) != null) {
      string[] f = line.Split('\t');
      string id = f[0];
      string reply;
      try {
        string dir = Path.Combine(Path.GetTempPath(), "c" + id);
        Directory.CreateDirectory(dir);
        string src = Path.Combine(dir, "main.cs");
        string exe = Path.Combine(dir, "main.exe");
        File.WriteAllBytes(src, Convert.FromBase64String(f[1]));
        var options = new System.Collections.Generic.List<string>();
        foreach (string o in f[2].Split(' ')) if (o.Length > 0) options.Add(o);
        options.Add(src);
        options.Add("-out:" + exe);
        var messages = new StringWriter();
        bool ok = Mono.CSharp.CompilerCallableEntryPoint.InvokeCompiler(options.ToArray(), messages) && File.Exists(exe);
        string bytes = ok ? Convert.ToBase64String(File.ReadAllBytes(exe)) : "";
        reply = id + "\t" + (ok ? "0" : "1") + "\t" + Convert.ToBase64String(Encoding.UTF8.GetBytes(messages.ToString())) + "\t" + bytes;
        Directory.Delete(dir, true);
      } catch (Exception e) {
        reply = id + "\t2\t" + Convert.ToBase64String(Encoding.UTF8.GetBytes(e.ToString())) + "\t";
      }
      stdout.WriteLine(reply);
    }
  }
}
