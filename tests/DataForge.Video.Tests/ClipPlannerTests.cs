using DataForge.Video.Clips;

namespace DataForge.Video.Tests;

public sealed class ClipPlannerTests
{
    [Fact]
    public void Fixed_windows_keep_a_long_remainder_and_fold_a_short_one_into_the_window_before()
    {
        Assert.Equal([new ClipWindow(0, 10), new ClipWindow(10, 20), new ClipWindow(20, 23)], ClipPlanner.Fixed(23, 10, 1));
        Assert.Equal([new ClipWindow(0, 10), new ClipWindow(10, 20.5)], ClipPlanner.Fixed(20.5, 10, 1));
        Assert.Equal([new ClipWindow(0, 0.4)], ClipPlanner.Fixed(0.4, 10, 1));
        Assert.Empty(ClipPlanner.Fixed(0, 10, 1));
    }

    [Fact]
    public void Scenes_are_cut_at_changes_short_ones_join_the_next_and_long_ones_split_evenly()
    {
        // Cuts at 0.5 (a flash: joins the next), 5, 50 (45 s: split into two of 22.5 under a 30 s cap), and one past the end.
        var clips = ClipPlanner.Scenes(60, [50, 5, 0.5, 5, 70], minClipSeconds: 1, maxClipSeconds: 30);
        Assert.Equal([new ClipWindow(0, 5), new ClipWindow(5, 27.5), new ClipWindow(27.5, 50), new ClipWindow(50, 60)], clips);

        // A short last scene joins the one before.
        Assert.Equal([new ClipWindow(0, 10)], ClipPlanner.Scenes(10, [9.8], 1, 30));
    }

    [Fact]
    public void Whole_is_one_clip_split_only_over_the_cap()
    {
        Assert.Equal([new ClipWindow(0, 12)], ClipPlanner.Whole(12, 30));
        Assert.Equal([new ClipWindow(0, 20), new ClipWindow(20, 40), new ClipWindow(40, 60)], ClipPlanner.Whole(60, 20));
    }
}
