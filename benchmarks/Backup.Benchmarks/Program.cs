using Backup.Benchmarks;
using BenchmarkDotNet.Running;

// Besides BenchmarkDotNet, two modes let scripts put the managed codecs side by side with native tools.
var options = new CommandLineOptions(args);
return args switch
{
    ["--write-data", ..] => WriteDataCommand.Run(options),
    ["--compress-file", ..] => CompressFileCommand.Run(options),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkData).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
