namespace PuzzleCam.IO;

/// <summary>A file that exists but cannot be used: corrupt, of the wrong kind, or with values out of range. The message names the file.</summary>
public sealed class InvalidDataFileException : BadInputException
{
    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    public InvalidDataFileException(string filePath, string reason, Exception? inner = null)
        : base($"{filePath}: {reason}", inner)
    {
        FilePath = filePath;
    }
}
