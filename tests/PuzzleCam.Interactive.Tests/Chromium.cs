using System.Diagnostics;

namespace PuzzleCam.Interactive.Tests;

/// <summary>
/// Debian's headless Chromium, installed with apt-get when missing (the tests run as root on CI machines), used to
/// render the formatters' HTML the way a notebook front end does.
/// </summary>
internal static class Chromium
{
    private static readonly Lazy<string> Executable = new(Find);

    public static string Path => Executable.Value;

    /// <summary>Saves a screenshot of the page at <paramref name="png"/>.</summary>
    public static void Screenshot(string page, string png, int width = 1200, int height = 1400) =>
        Run(page, $"--window-size={width},{height} --screenshot={png}");

    /// <summary>The page's DOM after its scripts ran (timers fast-forwarded), to check that charts were drawn.</summary>
    public static string DumpDom(string page) => Run(page, "--dump-dom");

    private static string Run(string page, string action)
    {
        var profile = Directory.CreateTempSubdirectory("puzzlecam-chromium-");
        try
        {
            var flags = "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync "
                + $"--hide-scrollbars --virtual-time-budget=10000 --user-data-dir={profile.FullName} {action} file://{page}";
            var (code, stdout, stderr) = Processes.Run(Path, flags, TimeSpan.FromSeconds(60));
            if (code != 0) throw new InvalidOperationException($"chromium exited {code} on {page}: {stderr}");
            return stdout;
        }
        finally
        {
            profile.Delete(true);
        }
    }

    private static string Find()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (File.Exists(candidate)) return candidate;
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
            throw new InvalidOperationException("these tests need Chromium: install Debian's 'chromium' package");
        var (code, _, stderr) = Processes.Run("/usr/bin/apt-get", "install -y -q chromium", TimeSpan.FromMinutes(10));
        if (code != 0)
        {
            Processes.Run("/usr/bin/apt-get", "update -q", TimeSpan.FromMinutes(5));
            (code, _, stderr) = Processes.Run("/usr/bin/apt-get", "install -y -q chromium", TimeSpan.FromMinutes(10));
        }
        if (code != 0 || !File.Exists("/usr/bin/chromium"))
            throw new InvalidOperationException($"these tests need Chromium and 'apt-get install -y chromium' failed ({code}): {stderr}");
        return "/usr/bin/chromium";
    }
}

/// <summary>Runs a program to completion and returns its exit code and output.</summary>
internal static class Processes
{
    public static (int Code, string Stdout, string Stderr) Run(string file, string arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} ran past {timeout}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
