namespace PuzzleCam;

/// <summary>
/// Input the user gave cannot be used: a flag's value or a combination of flags, an input file, or an output folder.
/// The message names the flag or the path and says what is wrong, so that a front end can print it as one line and
/// tell it apart from a bug in the program. <see cref="IO.InvalidDataFileException"/> (an input file) and
/// <see cref="IO.OutputFolderConflictException"/> (an output folder) narrow it down.
/// </summary>
public class BadInputException : Exception
{
    public BadInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Throws naming <paramref name="flag"/> unless <paramref name="value"/> is in [0, 1] (a threshold on normalised scores).</summary>
    public static void RequireUnitInterval(double value, string flag)
    {
        if (!(value >= 0 && value <= 1)) throw new BadInputException(FormattableString.Invariant($"{flag} must be in [0, 1], got {value}"));
    }
}
