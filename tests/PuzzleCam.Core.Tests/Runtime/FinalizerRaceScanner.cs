using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace PuzzleCam.Core.Tests.Runtime;

/// <summary>A call in our IL that hands libtorch a Scalar nobody holds.</summary>
public sealed record ScalarRace(string Method, int ILOffset, string? Source, string Callee, string Why)
{
    public override string ToString() => $"{Method} IL_{ILOffset:x4}{(Source is null ? "" : $" ({Source})")}: {Why} {Callee}";
}

/// <summary>
/// Finds, by reading IL, the calls that pass libtorch a TorchSharp <c>Scalar</c> whose only reference is the one
/// being passed. Scalar has a finalizer and TorchSharp keeps nothing alive around its P/Invokes, so a GC on another
/// thread can free such a Scalar while libtorch reads it (c10/core/Scalar.h "toFloat ... Expected false to be true").
/// Which TorchSharp methods make such a Scalar themselves (<c>add_(t)</c> is <c>add_(t, 1)</c>) is read from
/// TorchSharp's own IL, so that a TorchSharp upgrade cannot silently add one.
/// </summary>
public sealed class FinalizerRaceScanner
{
    private const string ScalarType = "TorchSharp.Scalar";

    /// <summary>TorchSharp methods that create a Scalar and pass it on without holding it, directly or through their own overloads.</summary>
    public IReadOnlySet<string> ScalarMakingMethods { get; }

    /// <summary>
    /// TorchSharp types with a Scalar-making override (BatchNorm's training forward is <c>num_batches_tracked.add_(1)</c>):
    /// calls reach those through virtual dispatch, so constructing one is the call site we can see.
    /// </summary>
    public IReadOnlySet<string> ScalarMakingTypes { get; }

    private FinalizerRaceScanner(IReadOnlySet<string> scalarMakingMethods, IReadOnlySet<string> scalarMakingTypes)
    {
        ScalarMakingMethods = scalarMakingMethods;
        ScalarMakingTypes = scalarMakingTypes;
    }

    public static FinalizerRaceScanner ForTorchSharp() => ForTorchSharp(typeof(TorchSharp.Scalar).Assembly.Location);

    public static FinalizerRaceScanner ForTorchSharp(string torchSharpPath)
    {
        using var pe = new PEReader(File.OpenRead(torchSharpPath));
        var md = pe.GetMetadataReader();
        var bodies = new Dictionary<string, List<Instruction>>();
        foreach (var handle in md.MethodDefinitions)
        {
            var definition = md.GetMethodDefinition(handle);
            if (definition.RelativeVirtualAddress == 0) continue;
            bodies[MethodKey(md, handle)] = Decode(md, pe.GetMethodBody(definition.RelativeVirtualAddress).GetILReader());
        }

        var making = new HashSet<string>();
        foreach (var (key, il) in bodies)
            if (!ReturnsScalar(key) && il.Where((_, i) => IsUnheldScalar(il, i)).Any())
                making.Add(key);

        // Callers of a Scalar-making method make one too; iterate to the fixed point.
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (key, il) in bodies)
                if (!making.Contains(key) && il.Any(x => x.Callee is { } c && making.Contains(c.Key)))
                {
                    making.Add(key);
                    grew = true;
                }
        }
        return new FinalizerRaceScanner(making, TypesWithScalarMakingOverrides(md, making));
    }

    private static HashSet<string> TypesWithScalarMakingOverrides(MetadataReader md, HashSet<string> making)
    {
        var baseOf = new Dictionary<string, string>();
        var racy = new HashSet<string>();
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var name = TypeNames.Definition(md, handle);
            if (!type.BaseType.IsNil) baseOf[name] = TypeName(md, type.BaseType);
            // Object's and IDisposable's overrides (ToString of a tensor reads its values as Scalars) are not compute.
            if (type.GetMethods().Any(m => IsComputeOverride(md, m) && making.Contains(MethodKey(md, m))))
                racy.Add(name);
        }
        return baseOf.Keys.Where(t => Ancestry(t, baseOf).Any(racy.Contains)).Concat(racy).ToHashSet();
    }

    private static bool IsComputeOverride(MetadataReader md, MethodDefinitionHandle handle)
    {
        var method = md.GetMethodDefinition(handle);
        return (method.Attributes & MethodAttributes.Virtual) != 0 && (method.Attributes & MethodAttributes.NewSlot) == 0
            && md.GetString(method.Name) is not ("ToString" or "Equals" or "GetHashCode" or "Finalize" or "Dispose");
    }

    private static IEnumerable<string> Ancestry(string type, Dictionary<string, string> baseOf)
    {
        for (var t = type; t is not null; t = baseOf.GetValueOrDefault(t))
            yield return t;
    }

    /// <summary>Every call in <paramref name="assemblyPath"/> that leaves a Scalar unheld while libtorch reads it.</summary>
    public IReadOnlyList<ScalarRace> Scan(string assemblyPath, Func<string, bool>? includeMethod = null)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var pdb = OpenPortablePdb(pe, assemblyPath);
        try
        {
            var pdbReader = pdb?.GetMetadataReader();
            var races = new List<ScalarRace>();
            foreach (var handle in md.MethodDefinitions)
            {
                var definition = md.GetMethodDefinition(handle);
                if (definition.RelativeVirtualAddress == 0) continue;
                var name = DisplayName(md, handle);
                if (includeMethod is not null && !includeMethod(name)) continue;
                var il = Decode(md, pe.GetMethodBody(definition.RelativeVirtualAddress).GetILReader());
                for (var i = 0; i < il.Count; i++)
                {
                    var why = IsUnheldScalar(il, i) ? "passes a Scalar that nothing holds, made by"
                        : il[i].Callee is not { } c ? null
                        : ScalarMakingMethods.Contains(c.Key) ? "calls a TorchSharp method that makes a Scalar it does not hold:"
                        : ScalarMakingTypes.Contains(c.Constructs ?? c.ReturnType) ? $"makes a {c.Constructs ?? c.ReturnType}, which makes a Scalar it does not hold when called, with"
                        : null;
                    if (why is not null)
                        races.Add(new ScalarRace(name, il[i].Offset, SourceLine(pdbReader, handle, il[i].Offset), il[i].Callee!.Value.Display, why));
                }
            }
            return races;
        }
        finally
        {
            pdb?.Dispose();
        }
    }

    /// <summary>
    /// A call at <paramref name="i"/> that returns a fresh Scalar which is not kept in a field and not in a local
    /// that is disposed later (a <c>using</c> variable): its last reference is the call it is passed to.
    /// </summary>
    private static bool IsUnheldScalar(List<Instruction> il, int i)
    {
        if (il[i].Callee is not { } callee || !callee.ReturnsScalar || il[i].OpCode == OpCodes.Ldftn || il[i].OpCode == OpCodes.Ldvirtftn) return false;
        var next = il.Skip(i + 1).FirstOrDefault(x => x.OpCode != OpCodes.Nop);
        if (next.OpCode == OpCodes.Stsfld || next.OpCode == OpCodes.Stfld) return false;
        if (next.Local is not { } local) return true;
        // The local of a using statement is loaded once more, just before its Dispose.
        for (var j = i + 2; j + 1 < il.Count; j++)
            if (il[j].LoadsLocal == local && il[j + 1].Callee is { Name: "Dispose" })
                return false;
        return true;
    }

    /// <param name="Constructs">The type a <c>newobj</c> creates; null for calls.</param>
    private readonly record struct Callee(string Key, string Name, string Display, string ReturnType, string? Constructs)
    {
        public bool ReturnsScalar => (Constructs ?? ReturnType) == ScalarType;
    }

    private static bool ReturnsScalar(string methodKey) => methodKey.EndsWith(")" + ScalarType, StringComparison.Ordinal);

    private readonly record struct Instruction(int Offset, OpCode OpCode, Callee? Callee, int? Local, int? LoadsLocal);

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static List<Instruction> Decode(MetadataReader md, BlobReader il)
    {
        var result = new List<Instruction>();
        while (il.RemainingBytes > 0)
        {
            var offset = il.Offset;
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            var op = OpCodesByValue[value];
            Callee? callee = null;
            int? local = null, loadsLocal = null;
            switch (op.OperandType)
            {
                case OperandType.InlineMethod:
                    var token = il.ReadInt32();
                    // A delegate made from a method is, within reason, a call of it (optimizers step through lambdas).
                    if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn || op == OpCodes.Ldvirtftn)
                        callee = Resolve(md, MetadataTokens.EntityHandle(token), op == OpCodes.Newobj);
                    break;
                case OperandType.ShortInlineVar:
                    var shortIndex = il.ReadByte();
                    if (op == OpCodes.Stloc_S) local = shortIndex;
                    if (op == OpCodes.Ldloc_S) loadsLocal = shortIndex;
                    break;
                case OperandType.InlineVar:
                    var index = il.ReadUInt16();
                    if (op == OpCodes.Stloc) local = index;
                    if (op == OpCodes.Ldloc) loadsLocal = index;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                default:
                    il.Offset += OperandSize(op.OperandType);
                    break;
            }
            local ??= op == OpCodes.Stloc_0 ? 0 : op == OpCodes.Stloc_1 ? 1 : op == OpCodes.Stloc_2 ? 2 : op == OpCodes.Stloc_3 ? 3 : null;
            loadsLocal ??= op == OpCodes.Ldloc_0 ? 0 : op == OpCodes.Ldloc_1 ? 1 : op == OpCodes.Ldloc_2 ? 2 : op == OpCodes.Ldloc_3 ? 3 : null;
            result.Add(new Instruction(offset, op, callee, local, loadsLocal));
        }
        return result;
    }

    private static int OperandSize(OperandType type) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI => 1,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private static Callee Resolve(MetadataReader md, EntityHandle handle, bool constructs)
    {
        if (handle.Kind == HandleKind.MethodSpecification)
            handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        var key = MethodKey(md, handle);
        var name = handle.Kind == HandleKind.MethodDefinition
            ? md.GetString(md.GetMethodDefinition((MethodDefinitionHandle)handle).Name)
            : md.GetString(md.GetMemberReference((MemberReferenceHandle)handle).Name);
        var declaringType = key[..key.IndexOf("::", StringComparison.Ordinal)];
        var returnType = key[(key.LastIndexOf(')') + 1)..];
        return new Callee(key, name, $"{declaringType}::{name}", returnType, constructs ? declaringType : null);
    }

    /// <summary>The same string for a method's definition in TorchSharp and for a reference to it from our assemblies.</summary>
    private static string MethodKey(MetadataReader md, EntityHandle handle)
    {
        string type, name;
        MethodSignature<string> signature;
        if (handle.Kind == HandleKind.MethodDefinition)
        {
            var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
            type = TypeNames.Definition(md, method.GetDeclaringType());
            name = md.GetString(method.Name);
            signature = method.DecodeSignature(TypeNames.Instance, null);
        }
        else
        {
            var member = md.GetMemberReference((MemberReferenceHandle)handle);
            type = TypeName(md, member.Parent);
            name = md.GetString(member.Name);
            signature = member.DecodeMethodSignature(TypeNames.Instance, null);
        }
        return $"{type}::{name}`{signature.GenericParameterCount}({string.Join(",", signature.ParameterTypes)}){signature.ReturnType}";
    }

    private static string TypeName(MetadataReader md, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => TypeNames.Reference(md, (TypeReferenceHandle)handle),
        HandleKind.TypeDefinition => TypeNames.Definition(md, (TypeDefinitionHandle)handle),
        HandleKind.TypeSpecification => GenericDefinition(md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(TypeNames.Instance, null)),
        _ => "?",
    };

    private static string GenericDefinition(string type) => type.Contains('<') ? type[..type.IndexOf('<')] : type;

    private static string DisplayName(MetadataReader md, MethodDefinitionHandle handle)
    {
        var method = md.GetMethodDefinition(handle);
        return $"{TypeNames.Definition(md, method.GetDeclaringType())}.{md.GetString(method.Name)}";
    }

    private static MetadataReaderProvider? OpenPortablePdb(PEReader pe, string assemblyPath) =>
        pe.TryOpenAssociatedPortablePdb(assemblyPath, p => File.Exists(p) ? File.OpenRead(p) : null, out var provider, out _) ? provider : null;

    private static string? SourceLine(MetadataReader? pdb, MethodDefinitionHandle method, int offset)
    {
        if (pdb is null) return null;
        var point = pdb.GetMethodDebugInformation(method).GetSequencePoints()
            .Where(p => !p.IsHidden && p.Offset <= offset)
            .Select(p => (SequencePoint?)p)
            .LastOrDefault();
        if (point is not { } p) return null;
        return $"{Path.GetFileName(pdb.GetString(pdb.GetDocument(p.Document).Name))}:{p.StartLine}";
    }

    /// <summary>Type names as IL spells them (namespace, nesting with '/', generic arguments in angle brackets).</summary>
    private sealed class TypeNames : ISignatureTypeProvider<string, object?>
    {
        public static readonly TypeNames Instance = new();

        public static string Definition(MetadataReader md, TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var outer = type.GetDeclaringType();
            return outer.IsNil
                ? Qualified(md.GetString(type.Namespace), md.GetString(type.Name))
                : $"{Definition(md, outer)}/{md.GetString(type.Name)}";
        }

        public static string Reference(MetadataReader md, TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? $"{Reference(md, (TypeReferenceHandle)type.ResolutionScope)}/{md.GetString(type.Name)}"
                : Qualified(md.GetString(type.Namespace), md.GetString(type.Name));
        }

        private static string Qualified(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

        public string GetTypeFromDefinition(MetadataReader md, TypeDefinitionHandle handle, byte rawTypeKind) => Definition(md, handle);
        public string GetTypeFromReference(MetadataReader md, TypeReferenceHandle handle, byte rawTypeKind) => Reference(md, handle);
        public string GetTypeFromSpecification(MetadataReader md, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, context);
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => $"{elementType}[{new string(',', shape.Rank - 1)}]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(",", typeArguments)}>";
        public string GetGenericTypeParameter(object? context, int index) => $"!{index}";
        public string GetGenericMethodParameter(object? context, int index) => $"!!{index}";
        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";
    }
}
