using System;
using System.Threading;

/// <summary>
/// Forces a full collection and a finalizer pass over and over on a background thread, so that any TorchSharp
/// temporary (a Scalar or a Tensor) that is unreachable while libtorch still reads its native pointer gets finalized
/// in that window. Without it such a race shows up after hours; with it, within a minute.
/// </summary>
public static class StartupHook
{
    public static void Initialize()
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        })
        { IsBackground = true, Name = "GC pressure" };
        thread.Start();
    }
}
