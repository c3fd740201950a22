// The formatters read Core's file formats and stage results and write culture-invariant HTML and JSON.
global using System.Globalization;
global using PuzzleCam.Affinity;
global using PuzzleCam.Cams;
global using PuzzleCam.Data;
global using PuzzleCam.Data.Voc;
global using PuzzleCam.Evaluation;
global using PuzzleCam.IO;
