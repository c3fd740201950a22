using PuzzleCam.Data.Voc;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Voc;

public class ImageListTests
{
    private static string ListWith(params string[] lines)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("list").FullName, "train.txt");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public void ReadsIdsSkippingBlankLinesAndTrimmingSpaceAndCarriageReturns()
    {
        var path = ListWith("2007_000032\r", "", "  2007_000039 ", "train_000001");
        Assert.Equal(["2007_000032", "2007_000039", "train_000001"], ImageList.Read(path));
    }

    [Theory]
    [InlineData("../evil", "holds a path separator")]
    [InlineData("sub/evil", "holds a path separator")]
    [InlineData("sub\\evil", "holds a path separator")]
    [InlineData("/etc/passwd", "holds a path separator")]
    [InlineData("a..b", "holds '..'")]
    [InlineData(".hidden", "starts with a dot")]
    [InlineData("c:evil", "holds a ':'")]
    [InlineData("bell\u0007", "holds a control character")]
    public void AnIdThatIsNoFileStemIsRefusedWithTheListTheLineAndTheId(string id, string problem)
    {
        var path = ListWith("2007_000032", id);
        var error = Assert.Throws<InvalidDataFileException>(() => ImageList.Read(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains("line 2:", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void ARepeatedIdIsRefusedNamingBothLines()
    {
        var path = ListWith("a", "b", "a");
        var error = Assert.Throws<InvalidDataFileException>(() => ImageList.Read(path));
        Assert.Contains("line 3: id 'a' repeats line 1", error.Message);
    }
}
