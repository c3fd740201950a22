// Every command declares its flags with System.CommandLine through the shared pieces of CommandLine/.
global using System.CommandLine;
global using PuzzleCam.Cli.CommandLine;
global using PuzzleCam.Training;
