using System.Diagnostics;
using System.Text;

namespace DataForge.Testing;

/// <summary>What a fuzz run tried and found.</summary>
/// <param name="Inputs">inputs fed to the parser</param>
/// <param name="Failures">inputs that crashed it (an exception it was not allowed to throw) or hung it, with why</param>
public sealed record FuzzReport(string Parser, int Inputs, IReadOnlyList<string> Failures)
{
    /// <summary>Logs the count (bench/fuzz.sh collects these lines) and fails with every failure's input and stack.</summary>
    public void AssertNone(Xunit.Abstractions.ITestOutputHelper log)
    {
        log.WriteLine($"fuzz {Parser}: {Inputs} inputs, {Failures.Count} failures");
        Xunit.Assert.True(Failures.Count == 0, $"{Parser}: {string.Join("\n\n", Failures)}");
    }
}

/// <summary>
/// A seeded mutational fuzzer for the parsers that read outside bytes: each input is a seed file mutated by a few
/// random edits (bit flips, byte overwrites with boundary values, inserted or deleted spans, duplicated or spliced
/// chunks, truncation, bytes from a dictionary of the format's own tokens) or pure random bytes. The target must return
/// within the per-input time limit and throw nothing but what <c>allowed</c> accepts (a parser's documented clean
/// error). The number of inputs comes from the caller, or from DATAFORGE_FUZZ_SECONDS when set, for longer runs
/// (bench/fuzz.sh).
/// </summary>
public static class Fuzzer
{
    public static async Task<FuzzReport> RunAsync(
        string parser,
        IReadOnlyList<byte[]> seeds,
        int inputs,
        int seed,
        Func<byte[], Task> target,
        Func<Exception, bool>? allowed = null,
        IReadOnlyList<string>? dictionary = null,
        TimeSpan? perInput = null)
    {
        var random = new Random(seed);
        var tokens = (dictionary ?? []).Select(Encoding.UTF8.GetBytes).ToArray();
        var limit = perInput ?? TimeSpan.FromSeconds(10);
        var failures = new List<string>();
        var budget = Environment.GetEnvironmentVariable("DATAFORGE_FUZZ_SECONDS") is { } text && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : (TimeSpan?)null;
        var clock = Stopwatch.StartNew();
        var tried = 0;
        while (budget is null ? tried < inputs : clock.Elapsed < budget)
        {
            var input = random.Next(20) == 0 ? RandomBytes(random) : Mutate(random, seeds[random.Next(seeds.Count)], tokens);
            tried++;
            var run = Task.Run(() => target(input));
            if (await Task.WhenAny(run, Task.Delay(limit)) != run)
            {
                Keep(parser, tried, input);
                failures.Add($"input {tried}: no answer within {limit.TotalSeconds:0} s ({input.Length} bytes, starts {Preview(input)})");
                break;
            }

            try
            {
                await run;
            }
            catch (Exception e) when (allowed?.Invoke(e) == true)
            {
            }
            catch (Exception e)
            {
                Keep(parser, tried, input);
                failures.Add($"input {tried}: {e.GetType().Name}: {e.Message} ({input.Length} bytes, starts {Preview(input)})\n{e.StackTrace}");
                if (failures.Count >= 5)
                {
                    break;
                }
            }
        }

        return new FuzzReport(parser, tried, failures);
    }

    public static byte[] Mutate(Random random, byte[] seed, IReadOnlyList<byte[]> tokens)
    {
        var data = new List<byte>(seed);
        var edits = 1 + random.Next(random.Next(2) == 0 ? 4 : 16);
        for (var edit = 0; edit < edits; edit++)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[at] = (byte)(random.Next(5) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, 3 => 0x80, _ => random.Next(256) });
                    break;
                case 2:
                    data.InsertRange(at, RandomBytes(random, random.Next(1, 32)));
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 256)));
                    break;
                case 4 when data.Count > 0:
                    var length = Math.Min(data.Count - at, random.Next(1, 512));
                    var chunk = data.GetRange(at, length);
                    data.InsertRange(random.Next(data.Count), Enumerable.Repeat(chunk, random.Next(1, 4)).SelectMany(c => c));
                    break;
                case 5 when data.Count > 1:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 6 when tokens.Count > 0:
                    data.InsertRange(at, tokens[random.Next(tokens.Count)]);
                    break;
                case 7 when data.Count > 4:
                    // A 32-bit field overwritten with an extreme value: lengths, counts, sizes.
                    var value = random.Next(4) switch { 0 => 0u, 1 => uint.MaxValue, 2 => 0x7FFFFFFFu, _ => (uint)random.Next() };
                    var place = random.Next(data.Count - 4);
                    for (var b = 0; b < 4; b++)
                    {
                        data[place + b] = (byte)(value >> (8 * b));
                    }

                    break;
                default:
                    if (data.Count > 0)
                    {
                        data[at] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return [.. data];
    }

    /// <summary>Writes a failing input to DATAFORGE_FUZZ_DUMP (when set) to reproduce it.</summary>
    private static void Keep(string parser, int number, byte[] input)
    {
        if (Environment.GetEnvironmentVariable("DATAFORGE_FUZZ_DUMP") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            var name = new string([.. parser.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
            File.WriteAllBytes(Path.Combine(folder, $"{name}-{number}.bin"), input);
        }
    }

    private static byte[] RandomBytes(Random random, int? length = null)
    {
        var bytes = new byte[length ?? random.Next(0, 2048)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Preview(byte[] input) => Convert.ToHexString(input.AsSpan(0, Math.Min(16, input.Length)));
}
