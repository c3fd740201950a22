using System.IO.Compression;
using System.Numerics;
using System.Text;

namespace PuzzleCam.Models;

/// <summary>
/// Reads and writes the tensor dictionaries of PyTorch's <c>torch.save</c>: the zip format (PyTorch 1.6 and later)
/// and the legacy pickle stream of older releases (torchvision's 2017 ImageNet files), with float16/float64
/// storages kept in their stored type. Keys that share a storage (the reference's alias keys) share memory.
/// Only tensor-rebuilding functions are honoured; any other object in the file is refused.
/// </summary>
public static class TorchCheckpoint
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");
    private const long LegacyProtocol = 1001;

    /// <summary>The state dict stored in <paramref name="path"/>, in file order.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} not found", path);
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> head = stackalloc byte[2];
            int n = file.Read(head);
            file.Position = 0;
            if (n == 2 && head[0] == 'P' && head[1] == 'K') return ReadZip(file, path);
            if (n == 2 && head[0] == 0x80) return ReadLegacy(file, path);
            throw new InvalidDataFileException(path, "not a PyTorch checkpoint (neither the zip format nor a legacy pickle)");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or InvalidCastException)
        {
            throw new InvalidDataFileException(path, $"unreadable PyTorch checkpoint: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="stateDict"/> in the zip format that <c>torch.load</c> reads; entries holding the same
    /// tensor object are stored once and stay aliases after loading in PyTorch.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        AtomicFile.Write(path, stream => WriteZip(stream, Path.GetFileNameWithoutExtension(path), stateDict));
    }

    private static Dictionary<string, Tensor> ReadZip(Stream file, string path)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
            ?? throw new InvalidDataFileException(path, "zip without data.pkl: not a PyTorch checkpoint");
        string prefix = pickle.FullName[..^"data.pkl".Length];
        var byteOrder = zip.GetEntry(prefix + "byteorder");
        if (byteOrder is not null)
        {
            using var reader = new StreamReader(byteOrder.Open());
            if (reader.ReadToEnd().Trim() != "little") throw new InvalidDataFileException(path, "big-endian checkpoints are not supported");
        }
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        object? PersistentLoad(object? id)
        {
            var (key, dtype, numel, view) = StorageId(id);
            if (!storages.TryGetValue(key, out var storage))
            {
                var entry = zip.GetEntry($"{prefix}data/{key}") ?? throw new InvalidDataException($"storage {key} is missing");
                storage = empty(numel, dtype);
                long expected = numel * storage.element_size();
                if (entry.Length != expected) throw new InvalidDataException($"storage {key} holds {entry.Length} bytes, expected {expected}");
                using var data = entry.Open();
                data.ReadExactly(storage.bytes);
                storages[key] = storage;
            }
            return View(storage, view);
        }
        using var stream = pickle.Open();
        return StateDict(new PickleReader(stream, Rebuild, PersistentLoad).Load());
    }

    private static Dictionary<string, Tensor> ReadLegacy(Stream file, string path)
    {
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        object? PersistentLoad(object? id)
        {
            var (key, dtype, numel, view) = StorageId(id);
            if (!storages.TryGetValue(key, out var storage)) storages[key] = storage = empty(numel, dtype);
            return View(storage, view);
        }
        var reader = new PickleReader(file, Rebuild, PersistentLoad);
        if (reader.Load() is not BigInteger magic || magic != LegacyMagic)
            throw new InvalidDataFileException(path, "pickle without PyTorch's magic number: not a PyTorch checkpoint");
        if (reader.Load() is not long protocol || protocol != LegacyProtocol)
            throw new InvalidDataFileException(path, "unsupported legacy PyTorch protocol version");
        if (reader.Load() is PickleDict info && info.Entries.Any(e => Equals(e.Key, "little_endian") && Equals(e.Value, false)))
            throw new InvalidDataFileException(path, "big-endian checkpoints are not supported");
        var result = reader.Load();
        // The storages follow the pickles, in the order of the key list: an int64 element count, then the data.
        if (reader.Load() is not List<object?> keys) throw new InvalidDataFileException(path, "legacy checkpoint without its storage list");
        var binary = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        foreach (var key in keys.Cast<string>())
        {
            if (!storages.TryGetValue(key, out var storage)) throw new InvalidDataFileException(path, $"storage {key} is listed but never used");
            long count = binary.ReadInt64();
            if (count != storage.numel()) throw new InvalidDataFileException(path, $"storage {key} has {count} elements, the tensors expect {storage.numel()}");
            file.ReadExactly(storage.bytes);
        }
        return StateDict(result);
    }

    private static (string Key, ScalarType DType, long Numel, object?[]? View) StorageId(object? id)
    {
        if (id is not object?[] { Length: >= 5 } t || !Equals(t[0], "storage") || t[1] is not PickleGlobal type || t[2] is not string key || t[4] is not long numel)
            throw new InvalidDataException("unexpected persistent id: only tensor storages are supported");
        return (key, StorageType(type), numel, t.Length > 5 ? t[5] as object?[] : null);
    }

    private static Tensor View(Tensor storage, object?[]? view)
    {
        // Pre-1.0 files could point at a slice of a shared root storage: (view key, offset, size).
        if (view is null) return storage;
        return storage.narrow(0, (long)view[1]!, (long)view[2]!);
    }

    private static ScalarType StorageType(PickleGlobal type) => (type.Module, type.Name) switch
    {
        ("torch", "FloatStorage") => ScalarType.Float32,
        ("torch", "DoubleStorage") => ScalarType.Float64,
        ("torch", "HalfStorage") => ScalarType.Float16,
        ("torch", "BFloat16Storage") => ScalarType.BFloat16,
        ("torch", "LongStorage") => ScalarType.Int64,
        ("torch", "IntStorage") => ScalarType.Int32,
        ("torch", "ShortStorage") => ScalarType.Int16,
        ("torch", "CharStorage") => ScalarType.Int8,
        ("torch", "ByteStorage") => ScalarType.Byte,
        ("torch", "BoolStorage") => ScalarType.Bool,
        _ => throw new InvalidDataException($"unsupported storage type {type}"),
    };

    private static object? Rebuild(PickleGlobal function, object?[] args) => (function.Module, function.Name) switch
    {
        ("collections", "OrderedDict") => new PickleDict(),
        ("torch._utils", "_rebuild_tensor_v2") or ("torch._utils", "_rebuild_tensor") =>
            Strided((Tensor)args[0]!, (long)args[1]!, Longs(args[2]), Longs(args[3])),
        ("torch._utils", "_rebuild_parameter") => (Tensor)args[0]!,
        _ => throw new InvalidDataException($"the file calls {function}, which a tensor state dict does not need"),
    };

    private static Tensor Strided(Tensor storage, long offset, long[] size, long[] stride)
    {
        long extent = offset + size.Select((s, i) => s == 0 ? 0 : (s - 1) * stride[i]).Sum() + (size.Contains(0) ? 0 : 1);
        if (extent > storage.numel()) throw new InvalidDataException($"tensor [{string.Join(", ", size)}] runs past its storage");
        return storage.as_strided(size, stride, offset);
    }

    private static long[] Longs(object? tuple) =>
        (tuple as object?[] ?? throw new InvalidDataException("tensor size is not a tuple")).Select(v => (long)v!).ToArray();

    private static Dictionary<string, Tensor> StateDict(object? root)
    {
        if (root is not PickleDict dict) throw new InvalidDataException("the checkpoint holds no dict of tensors");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name) throw new InvalidDataException("a state-dict key is not a string");
            result[name] = value as Tensor ?? throw new InvalidDataException($"entry '{name}' is not a tensor; expected a flat state dict");
        }
        return result;
    }

    private static readonly DateTimeOffset ZipEpoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static void WriteZip(Stream stream, string archiveName, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var storageKeys = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        var contiguous = new List<(string Key, Tensor Data)>();
        var pickle = new PickleWriter();
        pickle.BeginOrderedDict();
        foreach (var (key, tensor) in stateDict)
        {
            if (!storageKeys.TryGetValue(tensor, out var storageKey))
            {
                storageKeys[tensor] = storageKey = contiguous.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                contiguous.Add((storageKey, tensor.detach().cpu().contiguous()));
            }
            pickle.Tensor(key, StorageTypeName(tensor.dtype), storageKey, tensor.shape);
        }
        pickle.EndOrderedDict();

        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        void Entry(string name, ReadOnlySpan<byte> bytes)
        {
            var entry = zip.CreateEntry($"{archiveName}/{name}", CompressionLevel.NoCompression);
            // The zip's earliest date instead of the clock's: the same weights make the same bytes, so a resumed job's
            // models can be compared with an uninterrupted one's (PyTorch's writer stores no date either).
            entry.LastWriteTime = ZipEpoch;
            using var data = entry.Open();
            data.Write(bytes);
        }
        Entry("data.pkl", pickle.ToArray());
        Entry("byteorder", "little"u8);
        foreach (var (key, data) in contiguous)
        {
            Entry($"data/{key}", data.bytes);
            data.Dispose();
        }
        Entry("version", "3\n"u8);
    }

    private static string StorageTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new ArgumentException($"no PyTorch storage type for {dtype}", nameof(dtype)),
    };
}
