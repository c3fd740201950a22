// The namespaces most of the library's files use: the file formats and models every stage reads and writes, the
// shared per-image and training pieces, and TorchSharp.
global using System.Globalization;
global using PuzzleCam.Cams;
global using PuzzleCam.Data.Voc;
global using PuzzleCam.Experiments;
global using PuzzleCam.IO;
global using PuzzleCam.Models;
global using PuzzleCam.Runtime;
global using PuzzleCam.Training;
global using TorchSharp;
global using static TorchSharp.torch;
