namespace DataForge.Training.Training;

/// <summary>Linear warm-up to the peak, then cosine decay to <c>peak · minRatio</c> at the last step.</summary>
public static class LearningRateSchedule
{
    public static double At(int step, int totalSteps, int warmupSteps, double peak, double minRatio)
    {
        if (warmupSteps > 0 && step < warmupSteps)
        {
            return peak * (step + 1) / warmupSteps;
        }

        var decaySteps = Math.Max(1, totalSteps - warmupSteps - 1);
        var progress = Math.Clamp((step - warmupSteps) / (double)decaySteps, 0, 1);
        var minimum = peak * minRatio;
        return minimum + ((peak - minimum) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
