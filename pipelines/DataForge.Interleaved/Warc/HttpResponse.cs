using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace DataForge.Interleaved.Warc;

/// <summary>
/// The HTTP response inside a WARC response record (RFC 9112): status, headers, and the body with transfer coding
/// (chunked) and content coding (gzip, deflate, br) removed, since archives store the bytes as they came.
/// </summary>
public sealed record HttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? ContentType => Headers.TryGetValue("Content-Type", out var value) ? value : null;

    /// <summary>The media type without parameters, lower case (<c>text/html</c>).</summary>
    public string MediaType => (ContentType ?? string.Empty).Split(';', 2)[0].Trim().ToLowerInvariant();

    /// <summary>The charset parameter of Content-Type, if any.</summary>
    public string? Charset =>
        (ContentType ?? string.Empty).Split(';').Skip(1).Select(parameter => parameter.Trim())
            .Where(parameter => parameter.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
            .Select(parameter => parameter["charset=".Length..].Trim('"', '\'', ' '))
            .FirstOrDefault();

    /// <summary>Parses a record block; throws <see cref="FormatException"/> with the reason for a malformed one.</summary>
    public static HttpResponse Parse(byte[] block)
    {
        var headerEnd = block.AsSpan().IndexOf("\r\n\r\n"u8);
        var separator = 4;
        if (headerEnd < 0)
        {
            headerEnd = block.AsSpan().IndexOf("\n\n"u8);
            separator = 2;
        }

        if (headerEnd < 0)
        {
            throw new FormatException("the HTTP response has no end of headers");
        }

        var lines = Encoding.Latin1.GetString(block, 0, headerEnd).Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var status = lines[0].Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new FormatException($"not an HTTP status line: '{lines[0]}'");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
            }
        }

        var body = block[(headerEnd + separator)..];
        if (headers.TryGetValue("Transfer-Encoding", out var transfer) && transfer.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        if (headers.TryGetValue("Content-Encoding", out var encoding))
        {
            body = Decode(body, encoding.Trim().ToLowerInvariant());
        }

        return new HttpResponse(code, headers, body);
    }

    /// <summary>RFC 9112 §7.1: hex size, optional extensions, CRLF, data, CRLF; a zero size ends the body.</summary>
    private static byte[] Dechunk(byte[] body)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (true)
        {
            var lineEnd = body.AsSpan(position).IndexOf("\n"u8);
            if (lineEnd < 0)
            {
                throw new FormatException("chunked body ends without its last chunk");
            }

            var sizeText = Encoding.ASCII.GetString(body, position, lineEnd).TrimEnd('\r').Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new FormatException($"bad chunk size '{sizeText}'");
            }

            position += lineEnd + 1;
            if (size == 0)
            {
                return output.ToArray();
            }

            if (position + size > body.Length)
            {
                throw new FormatException("a chunk runs past the end of the body");
            }

            output.Write(body, position, size);
            position += size;
            while (position < body.Length && body[position] is (byte)'\r' or (byte)'\n')
            {
                position++;
            }
        }
    }

    /// <summary>The most a content-encoded body may decode to: the largest WARC block the reader holds.</summary>
    public const long MaxDecodedBytes = WarcReader.DefaultMaxBlockBytes;

    private static byte[] Decode(byte[] body, string encoding)
    {
        Stream? decoder = encoding switch
        {
            "gzip" or "x-gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            "deflate" => new ZLibStream(new MemoryStream(body), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            "identity" or "" => null,
            _ => throw new FormatException($"unsupported content encoding '{encoding}'"),
        };
        if (decoder is null)
        {
            return body;
        }

        using (decoder)
        {
            // Bounded like a WARC block: a content-encoding bomb (gigabytes of zeros in a few megabytes) stops here.
            using var output = new MemoryStream();
            var chunk = new byte[1 << 16];
            try
            {
                int read;
                while ((read = decoder.Read(chunk)) > 0)
                {
                    if (output.Length + read > MaxDecodedBytes)
                    {
                        throw new FormatException($"the {encoding} body decodes to more than {MaxDecodedBytes >> 20} MiB (a decompression bomb?)");
                    }

                    output.Write(chunk, 0, read);
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
            {
                // GZipStream and ZLibStream throw InvalidDataException for damaged data, BrotliStream InvalidOperationException.
                throw new FormatException($"the {encoding} body does not decode: {e.Message}", e);
            }

            return output.ToArray();
        }
    }
}
