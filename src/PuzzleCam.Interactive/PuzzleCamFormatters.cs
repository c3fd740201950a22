namespace PuzzleCam.Interactive;

public static class PuzzleCamFormatters
{
    public static void Load() { }
}
