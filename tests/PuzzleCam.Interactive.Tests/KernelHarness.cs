using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace PuzzleCam.Interactive.Tests;

/// <summary>
/// A notebook kernel without a notebook: a CompositeKernel holding a C# kernel. The built extension assembly is added
/// with <c>#r</c> and the package's <c>extension.dib</c> is run, which is what a notebook host does after
/// <c>#r "nuget: PuzzleCam.Interactive"</c>.
/// </summary>
internal sealed class KernelHarness : IDisposable
{
    private KernelHarness(CompositeKernel root) => Root = root;

    public CompositeKernel Root { get; }

    public static async Task<KernelHarness> StartAsync(bool loadExtension = true)
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        var root = new CompositeKernel { csharp };
        root.DefaultKernelName = csharp.Name;
        var harness = new KernelHarness(root);
        await harness.SubmitAsync($"#r \"{typeof(PuzzleCamFormatters).Assembly.Location}\"");
        if (loadExtension)
            foreach (var cell in ExtensionScript().Elements.Where(e => e.KernelName == "csharp"))
                harness.LoadOutput.AddRange(await harness.SubmitAsync(cell.Contents));
        return harness;
    }

    /// <summary>What the extension script displayed while loading.</summary>
    public List<string> LoadOutput { get; } = [];

    /// <summary>Runs the code; a compile error or exception fails the test with its message. Returns each displayed value's HTML.</summary>
    public async Task<List<string>> SubmitAsync(string code) => Html(await RunAsync(code));

    public async Task<IReadOnlyList<KernelEvent>> RunAsync(string code)
    {
        var result = await Root.SendAsync(new SubmitCode(code));
        var failure = result.Events.OfType<CommandFailed>().FirstOrDefault();
        if (failure is not null) Assert.Fail($"the kernel failed on:\n{code}\n{failure.Message}\n{failure.Exception}");
        return result.Events;
    }

    public static List<string> Html(IEnumerable<KernelEvent> events) => events.OfType<DisplayEvent>()
        .SelectMany(e => e.FormattedValues).Where(v => v.MimeType == HtmlFormatter.MimeType).Select(v => v.Value).ToList();

    public static InteractiveDocument ExtensionScript()
    {
        var path = Path.Combine(RepoPaths.Root, "src", "PuzzleCam.Interactive", "extension.dib");
        var kernels = new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#"]) };
        kernels.DefaultKernelName = "csharp";
        return CodeSubmission.Parse(File.ReadAllText(path), kernels);
    }

    public void Dispose()
    {
        // Finalizers of native wrappers (SkiaSharp bitmaps) must run while the kernel's native resolvers still exist.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Root.Dispose();
    }
}
