using DataForge.Cli;

return await DataForgeApp.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
