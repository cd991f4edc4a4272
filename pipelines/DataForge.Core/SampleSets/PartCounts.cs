using System.Text.Json.Serialization;
using DataForge.Core.Model;

namespace DataForge.Core.SampleSets;

/// <summary>Parts by kind; a mutable tally while writing, serialised into manifests.</summary>
public sealed class PartCounts
{
    [JsonPropertyName("text")]
    public long Text { get; set; }

    [JsonPropertyName("image")]
    public long Image { get; set; }

    [JsonPropertyName("audio")]
    public long Audio { get; set; }

    [JsonPropertyName("video")]
    public long Video { get; set; }

    [JsonIgnore]
    public long Total => Text + Image + Audio + Video;

    public void Add(Sample sample)
    {
        foreach (var part in sample.Parts)
        {
            switch (part)
            {
                case TextPart:
                    Text++;
                    break;
                case ImagePart:
                    Image++;
                    break;
                case AudioPart:
                    Audio++;
                    break;
                case VideoPart:
                    Video++;
                    break;
                default:
                    throw Part.Unhandled(part);
            }
        }
    }

    public void Add(PartCounts other)
    {
        Text += other.Text;
        Image += other.Image;
        Audio += other.Audio;
        Video += other.Video;
    }
}
