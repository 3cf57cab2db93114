using System.Text;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>completion bash|zsh</c>: a completion script for the shell, made from the command tree
/// itself, so it never lists a verb or an option that is not there.
/// </summary>
public static class CompletionCommand
{
    public static readonly string[] Shells = ["bash", "zsh"];

    public static Command Create(CliConsoles consoles, Func<RootCommand> tree)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh" };
        shell.CompletionSources.Add(Shells);
        shell.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!Shells.Contains(text))
            {
                result.AddError($"SHELL must be bash or zsh, not '{text}'.");
            }
        });
        var command = new Command("completion", "Print a completion script for bash or zsh. Load it now with: source <(cloudmart completion bash)") { shell };
        command.SetAction(parse =>
        {
            consoles.Out.Profile.Out.Writer.Write(Script(tree(), parse.GetValue(shell)!));
            return (int)ExitCodes.Success;
        });
        return command;
    }

    public static string Script(RootCommand root, string shell)
    {
        var verbs = Visible(root);
        var script = new StringBuilder();
        if (shell == "zsh")
        {
            // zsh runs bash completion functions once bashcompinit is loaded.
            script.AppendLine("autoload -U +X bashcompinit && bashcompinit");
        }
        script.AppendLine("_cloudmart() {");
        script.AppendLine("    local cur=${COMP_WORDS[COMP_CWORD]}");
        script.AppendLine("    if [[ $COMP_CWORD -eq 1 ]]; then");
        script.AppendLine($"        COMPREPLY=($(compgen -W \"{Names(verbs)}\" -- \"$cur\"))");
        script.AppendLine("        return");
        script.AppendLine("    fi");
        // A verb with verbs of its own (lab) completes them second, then the chosen one's words.
        foreach (var group in verbs.Where(v => Visible(v).Count > 0))
        {
            script.AppendLine($"    if [[ ${{COMP_WORDS[1]}} == {group.Name} && $COMP_CWORD -eq 2 ]]; then");
            script.AppendLine($"        COMPREPLY=($(compgen -W \"{Names(Visible(group))}\" -- \"$cur\"))");
            script.AppendLine("        return");
            script.AppendLine("    fi");
        }
        script.AppendLine("    case \"${COMP_WORDS[1]} ${COMP_WORDS[2]}\" in");
        foreach (var group in verbs.Where(v => Visible(v).Count > 0))
        {
            foreach (var verb in Visible(group))
            {
                script.AppendLine($"        \"{group.Name} {verb.Name}\"*) COMPREPLY=($(compgen -W \"{Words(verb)}\" -- \"$cur\")) ; return ;;");
            }
        }
        script.AppendLine("    esac");
        script.AppendLine("    case ${COMP_WORDS[1]} in");
        foreach (var verb in verbs.Where(v => Visible(v).Count == 0))
        {
            script.AppendLine($"        {verb.Name}) COMPREPLY=($(compgen -W \"{Words(verb)}\" -- \"$cur\")) ;;");
        }
        script.AppendLine("    esac");
        script.AppendLine("}");
        script.AppendLine("complete -o default -F _cloudmart cloudmart ./cloudmart");
        return script.ToString();
    }

    static List<Command> Visible(Command command) => command.Subcommands.Where(c => !c.Hidden).ToList();

    static string Names(IEnumerable<Command> commands) => string.Join(' ', commands.Select(c => c.Name));

    static string Words(Command verb) => string.Join(' ', verb.Options.SelectMany(o => new[] { o.Name }.Concat(o.Aliases))
        .Concat(verb.Arguments.SelectMany(a => a.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty).Select(c => c.Label)))
        .Distinct());
}
