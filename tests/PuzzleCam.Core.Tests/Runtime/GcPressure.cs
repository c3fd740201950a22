namespace PuzzleCam.Core.Tests.Runtime;

/// <summary>
/// What eng/gc-pressure-hook does to the real program, inside a test: full collections and finalizer passes back to
/// back on another thread, so that a TorchSharp object left unheld during a call is finalized in that window.
/// </summary>
internal sealed class GcPressure : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stopping;

    public GcPressure()
    {
        _thread = new Thread(() =>
        {
            while (!_stopping)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Collections++;
            }
        })
        { IsBackground = true, Name = "GC pressure" };
        _thread.Start();
    }

    /// <summary>Collections completed; read after <see cref="Dispose"/>, to show the pressure was on.</summary>
    public int Collections { get; private set; }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }
}
