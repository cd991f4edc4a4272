namespace DataForge.Training.Media;

/// <summary>
/// Log-mel features as speech encoders take them: 25 ms Hann windows every 10 ms (400 and 160 samples at 16 kHz),
/// a 512-point FFT, 80 triangular mel filters (HTK scale) from 0 Hz to Nyquist, natural log of the power (floored
/// at 1e-10). 100 frames per second.
/// </summary>
public static class LogMel
{
    public const int SampleRate = 16_000;
    public const int Window = 400;
    public const int Hop = 160;
    public const int Bins = 80;
    private const int FftSize = 512;

    private static readonly Lazy<float[][]> Filters = new(() => MelFilters(Bins, FftSize, SampleRate));
    private static readonly Lazy<double[]> Hann = new(() => [.. Enumerable.Range(0, Window).Select(i => 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / Window)))]);

    /// <summary>[frames, 80] row-major, frames = 1 + (samples - 400) / 160 (at least 1, zero-padded).</summary>
    public static (float[] Features, int Frames) Compute(ReadOnlySpan<short> samples)
    {
        var frames = samples.Length <= Window ? 1 : 1 + ((samples.Length - Window) / Hop);
        var features = new float[frames * Bins];
        var real = new double[FftSize];
        var imaginary = new double[FftSize];
        var power = new double[(FftSize / 2) + 1];
        var hann = Hann.Value;
        var filters = Filters.Value;
        for (var f = 0; f < frames; f++)
        {
            Array.Clear(real);
            Array.Clear(imaginary);
            for (var i = 0; i < Window; i++)
            {
                var at = (f * Hop) + i;
                real[i] = at < samples.Length ? samples[at] / 32768.0 * hann[i] : 0;
            }

            Fft(real, imaginary);
            for (var k = 0; k < power.Length; k++)
            {
                power[k] = (real[k] * real[k]) + (imaginary[k] * imaginary[k]);
            }

            for (var m = 0; m < Bins; m++)
            {
                double sum = 0;
                var filter = filters[m];
                for (var k = 0; k < filter.Length; k++)
                {
                    sum += filter[k] * power[k];
                }

                features[(f * Bins) + m] = (float)Math.Log(Math.Max(sum, 1e-10));
            }
        }

        return (features, frames);
    }

    /// <summary>In-place iterative radix-2 FFT.</summary>
    public static void Fft(double[] real, double[] imaginary)
    {
        var n = real.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (real[i], real[j]) = (real[j], real[i]);
                (imaginary[i], imaginary[j]) = (imaginary[j], imaginary[i]);
            }
        }

        for (var length = 2; length <= n; length <<= 1)
        {
            var angle = -2 * Math.PI / length;
            for (var start = 0; start < n; start += length)
            {
                for (var k = 0; k < length / 2; k++)
                {
                    double cos = Math.Cos(angle * k), sin = Math.Sin(angle * k);
                    int a = start + k, b = start + k + (length / 2);
                    var tr = (real[b] * cos) - (imaginary[b] * sin);
                    var ti = (real[b] * sin) + (imaginary[b] * cos);
                    (real[b], imaginary[b]) = (real[a] - tr, imaginary[a] - ti);
                    (real[a], imaginary[a]) = (real[a] + tr, imaginary[a] + ti);
                }
            }
        }
    }

    private static float[][] MelFilters(int bins, int fftSize, int rate)
    {
        static double Mel(double hz) => 2595 * Math.Log10(1 + (hz / 700));
        static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);
        var points = Enumerable.Range(0, bins + 2).Select(i => Hz(Mel(rate / 2.0) * i / (bins + 1))).ToArray();
        var filters = new float[bins][];
        for (var m = 0; m < bins; m++)
        {
            filters[m] = new float[(fftSize / 2) + 1];
            for (var k = 0; k < filters[m].Length; k++)
            {
                var hz = k * (double)rate / fftSize;
                var rising = (hz - points[m]) / (points[m + 1] - points[m]);
                var falling = (points[m + 2] - hz) / (points[m + 2] - points[m + 1]);
                filters[m][k] = (float)Math.Max(0, Math.Min(rising, falling));
            }
        }

        return filters;
    }
}
