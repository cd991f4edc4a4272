using System.Text;
using DataForge.Core;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace DataForge.Packing.Tokenization.Gpu;

/// <summary>Where the GPU tokenizer's kernel runs.</summary>
public enum GpuBackend
{
    /// <summary>The first CUDA device (needs only the NVIDIA driver).</summary>
    Cuda,

    /// <summary>ILGPU's CPU accelerator: the same kernel, run as .NET code on the host; for tests on machines without a GPU.</summary>
    CpuSimulator,
}

/// <summary>
/// Tokenizes batches of documents on a GPU with ILGPU (<see cref="BpeKernel"/>), giving the ids the CPU tokenizer gives.
/// A batch is encoded to UTF-8 on all cores, copied to the device, split and merged there, and copied back as one int
/// per byte, from which each document's ids are gathered on all cores (pieces too long for the kernel are merged here,
/// and counted in <see cref="CpuPieces"/>). Callers are served one at a time (the device buffers are reused).
/// </summary>
public sealed class GpuTextEncoder : IDisposable
{
    /// <summary>The most UTF-8 bytes one kernel launch takes; larger batches are cut.</summary>
    public const int MaxLaunchBytes = 256 << 20;

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly IByteLevelTokenizer _tokenizer;
    private readonly Action<Index1D, DeviceTables, DeviceBatch> _kernel;
    private readonly List<MemoryBuffer> _tableBuffers = [];
    private readonly DeviceTables _tables;
    private readonly Lock _gate = new();
    private MemoryBuffer1D<byte, Stride1D.Dense>? _text;
    private MemoryBuffer1D<int, Stride1D.Dense>? _ids;
    private MemoryBuffer1D<int, Stride1D.Dense>? _docOffsets;
    private MemoryBuffer1D<int, Stride1D.Dense>? _docFirstChunk;
    private readonly Lock _timingsGate = new();

    /// <summary>
    /// Host buffers of the batches in flight, reused: a batch's text and ids are tens of MB, beyond what the shared array
    /// pool keeps, and renting them from it allocated a new pair per batch (peak RSS 6.2 GB on 1 GB of input).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<(byte[] Text, int[] Ids)> _hostBuffers = [];
    private GpuTimings _timings;
    private long _gatherTicks;
    private long _cpuPieces;

    private GpuTextEncoder(Context context, Accelerator accelerator, Action<Index1D, DeviceTables, DeviceBatch> kernel, IByteLevelTokenizer tokenizer)
    {
        _context = context;
        _accelerator = accelerator;
        _kernel = kernel;
        _tokenizer = tokenizer;
        var tables = new BpeTables(tokenizer);
        _tables = new DeviceTables
        {
            Classes = Upload(tables.Classes),
            ByteIds = Upload(tables.ByteIds),
            PairKeys = Upload(tables.PairKeys),
            PairRanks = Upload(tables.PairRanks),
            PairMerged = Upload(tables.PairMerged),
            WholeHashes = Upload(tables.WholeHashes),
            WholeIds = Upload(tables.WholeIds),
            TokenBytes = Upload(tables.TokenBytes),
            TokenOffsets = Upload(tables.TokenOffsets),
            PairBits = tables.PairBits,
            WholeBits = tables.WholeBits,
            MaxTokenBytes = tables.MaxTokenBytes,
            Kind = (int)tables.Kind,
            WholePieceFirst = tables.WholePieceFirst ? 1 : 0,
        };
        DeviceName = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? $"{accelerator.Name} (CUDA, {accelerator.MemorySize / (1L << 30)} GiB, {accelerator.NumMultiprocessors} SMs)"
            : $"{accelerator.Name} (ILGPU CPU simulator)";
    }

    public string DeviceName { get; }

    /// <summary>Where the time went so far.</summary>
    public GpuTimings Timings
    {
        get
        {
            lock (_timingsGate)
            {
                // Gathers run on the layout's threads, one document at a time: their time is summed separately.
                return _timings with { Gather = _timings.Gather + (Interlocked.Read(ref _gatherTicks) / (double)System.Diagnostics.Stopwatch.Frequency) };
            }
        }
    }

    private void AddTimings(GpuTimings timings)
    {
        lock (_timingsGate)
        {
            _timings += timings;
        }
    }

    /// <summary>Pieces longer than the kernel's limit, merged on the host so far.</summary>
    public long CpuPieces => Interlocked.Read(ref _cpuPieces);

    /// <summary>Opens the backend for a tokenizer, or throws <see cref="GpuUnavailableException"/> saying why not.</summary>
    public static GpuTextEncoder Open(ITextTokenizer tokenizer, GpuBackend backend) =>
        tokenizer is IByteLevelTokenizer
            ? Open(() => tokenizer, backend)
            : throw new GpuUnavailableException($"{tokenizer.Name} is not a byte-level BPE tokenizer");

    /// <summary>
    /// Opens the backend and compiles the kernel, and only then asks for the tokenizer (its tables are the kernel's
    /// arguments, not its code), so a caller can load the tokenizer while the kernel compiles (about 1.3 s, issue 21).
    /// </summary>
    public static GpuTextEncoder Open(Func<ITextTokenizer> tokenizer, GpuBackend backend)
    {
        Context? context = null;
        try
        {
            context = backend == GpuBackend.Cuda
                ? Context.Create(builder => builder.Cuda().Optimize(OptimizationLevel.O2))
                : Context.Create(builder => builder.CPU().Optimize(OptimizationLevel.O2));
            Accelerator accelerator = backend == GpuBackend.Cuda
                ? context.GetCudaDevices().Count > 0
                    ? context.CreateCudaAccelerator(0)
                    : throw new GpuUnavailableException("no CUDA device found (ILGPU sees none: no NVIDIA driver, or no GPU)")
                : context.CreateCPUAccelerator(0);
            var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, DeviceTables, DeviceBatch>(BpeKernel.Encode);
            return tokenizer() is IByteLevelTokenizer byteLevel
                ? new GpuTextEncoder(context, accelerator, kernel, byteLevel)
                : throw new GpuUnavailableException($"{tokenizer().Name} is not a byte-level BPE tokenizer");
        }
        catch (Exception e) when (e is not (GpuUnavailableException or OutOfMemoryException or DataForgeException))
        {
            // A driver that will not load, a device ILGPU cannot compile for: the CPU path gives the same ids, so the
            // caller falls back with this reason rather than failing the run.
            context?.Dispose();
            throw new GpuUnavailableException($"CUDA could not start ({e.GetType().Name}: {e.Message.Split('\n')[0]})");
        }
        catch
        {
            context?.Dispose();
            throw;
        }
    }

    /// <summary>The CUDA devices ILGPU finds, one line each (for <c>dataforge doctor</c>); empty when none, or why CUDA failed.</summary>
    public static IReadOnlyList<string> DescribeCudaDevices()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var lines = new List<string>();
            foreach (var device in context.GetCudaDevices())
            {
                lines.Add($"{device.Name}, {device.MemorySize / (1L << 30)} GiB, {device.NumMultiprocessors} SMs, {device.Architecture}, driver {device.DriverVersion}");
            }

            return lines;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [$"none usable: {e.GetType().Name}: {e.Message.Split('\n')[0]}"];
        }
    }

    /// <summary>
    /// The ids of each text, as the tokenizer's CPU session would give them. Safe to call from several threads: only the
    /// device's part (upload, kernel, download) runs under a lock, so one batch's UTF-8 preparation and gather on the
    /// host overlap another's time on the device (they were all serial under one lock, issue 21).
    /// </summary>
    public int[][] Encode(IReadOnlyList<string> texts)
    {
        using var encoded = EncodeTexts(texts);
        var result = new int[texts.Count][];
        var ids = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            ids.Clear();
            encoded.AppendIds(i, ids);
            result[i] = [.. ids];
        }

        return result;
    }

    /// <summary>
    /// The texts encoded on the device, kept in the host buffers the device wrote: each text's ids are gathered straight
    /// into the caller's list (<see cref="EncodedTexts.AppendIds"/>), never into an array of their own (those arrays were
    /// a gigabyte of garbage per gigabyte of text and most of the GPU path's collections, issue 21). Dispose it to give
    /// the buffers back.
    /// </summary>
    public EncodedTexts EncodeTexts(IReadOnlyList<string> texts)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var normalized = new string[texts.Count];
        var lengths = new int[texts.Count];
        Parallel.For(0, texts.Count, i =>
        {
            normalized[i] = _tokenizer.Normalize(texts[i]);
            lengths[i] = Encoding.UTF8.GetByteCount(normalized[i]);
        });

        AddTimings(new GpuTimings(clock.Elapsed.TotalSeconds, 0, 0, 0, 0));
        var launches = new List<EncodedLaunch>();
        try
        {
            for (var first = 0; first < texts.Count;)
            {
                // Cut the batch so that one launch holds at most MaxLaunchBytes (a longer single document goes alone).
                long bytes = lengths[first];
                var last = first + 1;
                while (last < texts.Count && bytes + lengths[last] <= MaxLaunchBytes)
                {
                    bytes += lengths[last++];
                }

                if (bytes > int.MaxValue / 2)
                {
                    throw new DataForgeException($"a document of {bytes:N0} UTF-8 bytes is too long for the GPU tokenizer");
                }

                launches.Add(EncodeLaunch(normalized, lengths, first, last));
                first = last;
            }
        }
        catch
        {
            launches.ForEach(launch => _hostBuffers.Add((launch.Text, launch.Ids)));
            throw;
        }

        return new EncodedTexts(this, launches);
    }

    public void Dispose()
    {
        foreach (var buffer in new MemoryBuffer?[] { _text, _ids, _docOffsets, _docFirstChunk }.Concat(_tableBuffers))
        {
            buffer?.Dispose();
        }

        _accelerator.Dispose();
        _context.Dispose();
    }

    private EncodedLaunch EncodeLaunch(string[] texts, int[] lengths, int first, int last)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double Lap()
        {
            var seconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            return seconds;
        }

        var documents = last - first;
        var offsets = new int[documents + 1];
        var firstChunk = new int[documents + 1];
        for (var d = 0; d < documents; d++)
        {
            offsets[d + 1] = offsets[d] + lengths[first + d];
            firstChunk[d + 1] = firstChunk[d] + ((lengths[first + d] + BpeKernel.ChunkBytes - 1) / BpeKernel.ChunkBytes);
        }

        var total = offsets[documents];
        // Host buffers of the batch's own (reused), so that the next batch can be prepared while this one is gathered.
        var (hostText, hostIds) = _hostBuffers.TryTake(out var pooled) ? pooled : ([], []);
        if (hostText.Length < total)
        {
            (hostText, hostIds) = (new byte[total + (total / 4)], new int[total + (total / 4)]);
        }

        try
        {
            Parallel.For(0, documents, d => Encoding.UTF8.GetBytes(texts[first + d], hostText.AsSpan(offsets[d], lengths[first + d])));
            var prepare = Lap();
            double upload = 0, kernel = 0, download = 0;
            var chunks = firstChunk[documents];
            if (chunks > 0)
            {
                lock (_gate)
                {
                    clock.Restart();
                    _text = Ensure(_text, total);
                    _ids = Ensure(_ids, total);
                    _docOffsets = Ensure(_docOffsets, documents + 1);
                    _docFirstChunk = Ensure(_docFirstChunk, documents + 1);
                    _text.View.BaseView.SubView(0, total).CopyFromCPU(new ReadOnlySpan<byte>(hostText, 0, total));
                    _docOffsets.View.BaseView.SubView(0, documents + 1).CopyFromCPU(new ReadOnlySpan<int>(offsets));
                    _docFirstChunk.View.BaseView.SubView(0, documents + 1).CopyFromCPU(new ReadOnlySpan<int>(firstChunk));
                    upload = Lap();
                    var batch = new DeviceBatch
                    {
                        Text = _text.View.BaseView.SubView(0, total),
                        DocOffsets = _docOffsets.View.BaseView.SubView(0, documents + 1),
                        DocFirstChunk = _docFirstChunk.View.BaseView.SubView(0, documents + 1),
                        Ids = _ids.View.BaseView.SubView(0, total),
                        Documents = documents,
                    };
                    _kernel(chunks, _tables, batch);
                    _accelerator.Synchronize();
                    kernel = Lap();
                    _ids.View.BaseView.SubView(0, total).CopyToCPU(new Span<int>(hostIds, 0, total));
                    download = Lap();
                }
            }

            AddTimings(new GpuTimings(prepare, upload, kernel, download, 0));
            return new EncodedLaunch(first, offsets, hostText, hostIds);
        }
        catch
        {
            _hostBuffers.Add((hostText, hostIds));
            throw;
        }
    }

    /// <summary>
    /// A document's ids from the kernel's one-int-per-byte output, appended to <paramref name="output"/>; the pieces the
    /// kernel left (too long for it) are merged here.
    /// </summary>
    private void Gather(byte[] text, int[] ids, int start, int end, List<int> output)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var span = ids.AsSpan(start, end - start);
        output.EnsureCapacity(output.Count + span.Length);
        for (var p = 0; p < span.Length; p++)
        {
            var id = span[p];
            if (id >= 0)
            {
                output.Add(id);
            }
            else if (id == BpeKernel.CpuPiece)
            {
                var q = p + 1;
                while (q < span.Length && span[q] == BpeKernel.NoToken)
                {
                    q++;
                }

                _tokenizer.Bpe.EncodePiece(text.AsSpan(start + p, q - p), output);
                Interlocked.Increment(ref _cpuPieces);
                p = q - 1;
            }
        }

        Interlocked.Add(ref _gatherTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
    }

    private ArrayView<T> Upload<T>(T[] values)
        where T : unmanaged
    {
        var buffer = _accelerator.Allocate1D(values);
        _tableBuffers.Add(buffer);
        return buffer.View;
    }

    private MemoryBuffer1D<T, Stride1D.Dense> Ensure<T>(MemoryBuffer1D<T, Stride1D.Dense>? buffer, int length)
        where T : unmanaged
    {
        if (buffer is not null && buffer.Length >= length)
        {
            return buffer;
        }

        buffer?.Dispose();
        return _accelerator.Allocate1D<T>(Math.Max(length, (int)Math.Min(int.MaxValue, (buffer?.Length ?? 0) * 2L)));
    }

    /// <summary>One kernel launch's host buffers: texts <c>first …</c>, their UTF-8 offsets, and one id per byte.</summary>
    internal sealed record EncodedLaunch(int First, int[] Offsets, byte[] Text, int[] Ids)
    {
        public int End => First + Offsets.Length - 1;
    }

    /// <summary>A batch's ids on the host, read text by text; Dispose gives the host buffers back for the next batch.</summary>
    public sealed class EncodedTexts : IDisposable
    {
        private readonly GpuTextEncoder _owner;
        private readonly List<EncodedLaunch> _launches;
        private bool _disposed;

        internal EncodedTexts(GpuTextEncoder owner, List<EncodedLaunch> launches) => (_owner, _launches) = (owner, launches);

        /// <summary>Appends text <paramref name="index"/>'s ids to <paramref name="output"/> (safe from several threads).</summary>
        public void AppendIds(int index, List<int> output)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var launch = _launches.Find(candidate => index >= candidate.First && index < candidate.End)
                ?? throw new ArgumentOutOfRangeException(nameof(index), $"no text {index} in this batch");
            var d = index - launch.First;
            _owner.Gather(launch.Text, launch.Ids, launch.Offsets[d], launch.Offsets[d + 1], output);
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _launches.ForEach(launch => _owner._hostBuffers.Add((launch.Text, launch.Ids)));
            }
        }
    }
}

/// <summary>The GPU tokenizer cannot run here; the message says why.</summary>
public sealed class GpuUnavailableException(string message) : Exception(message);
