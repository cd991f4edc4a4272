using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataForge.SegEdit.Sources;

/// <summary>
/// Fields of COCO entries read as null when they hold a value of another type (an id given as "1", a width of
/// 1e12, a name that is a number), so one bad entry is that entry's reject instead of a refused file.
/// </summary>
internal static class LenientNumber
{
    /// <summary>
    /// Past an object or array given where a number or text belongs. Skip() throws on a partial buffer (a large file
    /// read asynchronously); the serializer buffers a custom converter's whole value first, so TrySkip succeeds.
    /// </summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
        {
            throw new JsonException("a value could not be skipped");
        }
    }

    public sealed class Int64 : JsonConverter<long?>
    {
        public override bool HandleNull => true;

        public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            long? value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) ? number : null;
            SkipValue(ref reader);
            return value;
        }

        public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) => throw new NotSupportedException();
    }

    public sealed class Int32 : JsonConverter<int?>
    {
        public override bool HandleNull => true;

        public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            int? value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) ? number : null;
            SkipValue(ref reader);
            return value;
        }

        public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options) => throw new NotSupportedException();
    }

    public sealed class Text : JsonConverter<string?>
    {
        public override bool HandleNull => true;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            SkipValue(ref reader);
            return value;
        }

        public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => throw new NotSupportedException();
    }
}
