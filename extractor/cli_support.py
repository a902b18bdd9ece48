"""What the command line needs besides its commands: commands loaded only when used,
and a help screen in one language.

- `LazyGroup`: the top-level group lists every command (name and one-line help) without
  importing it; a command's module is imported when that command runs or shows its
  help. So `extractor --help` and `extractor run` do not load the evaluation (scipy),
  the review web app or the LLM client.
- `speak_chinese()` and `polish()`: the frame of the help screens (用法, 选项, 参数, 命令,
  默认, the help option) in Chinese like the rest; flags show no value placeholder
  (`--force`, not `--force <bool>`); help is not cut at 80 columns when the output is
  not a terminal. (Typer's own usage-error messages stay English: its copy of click
  has them as fixed strings.)
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click as click  # typer's own copy of click: its commands' classes
from typer.core import TyperCommand, TyperGroup, TyperOption

RICH_WORDS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认: {}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量: {}]",
    "DEPRECATED_STRING": "(已弃用) ",
    "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
USAGE = "用法: "
OPTIONS_METAVAR = "[选项]"
COMMAND_METAVAR = "命令 [参数]..."
HELP_TEXT = "显示本帮助并退出。"
HELP_WIDTH = 120  # columns when the help is not shown on a terminal (a pipe, a file)


def speak_chinese() -> None:
    """The panel titles and markers of the help screens in Chinese; help not cut at 80
    columns when the output is not a terminal. (Commands get the rest from `polish`.)"""
    import typer.rich_utils as rich_utils

    for name, words in RICH_WORDS.items():
        setattr(rich_utils, name, words)
    wide_enough = os.environ.get("TERMINAL_WIDTH") or os.environ.get("COLUMNS")
    if not wide_enough and not sys.stdout.isatty():
        rich_utils.MAX_WIDTH = HELP_WIDTH


class _Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)


class _Context(click.Context):
    formatter_class = _Formatter


def polish(command: Any) -> Any:
    """Chinese usage line and help option, no value placeholder on flags; recursively."""
    if getattr(command, "_extractor_polished", False):
        return command
    command._extractor_polished = True
    command.context_class = _Context
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = COMMAND_METAVAR
        for sub in getattr(command, "commands", {}).values():
            polish(sub)
    help_option = command.get_help_option(_Context(command))
    if help_option is not None:
        help_option.help = HELP_TEXT
    for param in [*command.params, help_option]:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return command


@dataclass(frozen=True)
class LazyCommand:
    """A command known by name and one-line help, loaded from `target` when used.
    `target` is "module:attribute" naming a typer function, a `typer.Typer`, or a
    function `register(app)` that adds commands to an app (then `pick` names which)."""

    target: str
    help: str
    pick: str | None = None


def _load(name: str, lazy: LazyCommand) -> click.Command:
    module, _, attribute = lazy.target.partition(":")
    obj: Any = getattr(importlib.import_module(module), attribute)
    if isinstance(obj, typer.Typer):
        command = typer.main.get_command(obj)
    elif lazy.pick is not None:  # a registration function
        holder = typer.Typer()
        obj(holder)
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)
        command = group.commands[lazy.pick]
    else:
        holder = typer.Typer()
        holder.command(name, help=lazy.help)(obj)
        command = typer.main.get_command(holder)
    command.name = name
    return polish(command)


class LazyGroup(TyperGroup):
    """A typer group whose `lazy` commands are imported when used (see the module)."""

    lazy: ClassVar[dict[str, LazyCommand]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        polish(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return polish(command)
        lazy = self.lazy.get(cmd_name)
        if lazy is None:
            return None
        if ctx.resilient_parsing or _listing(ctx):
            return TyperCommand(cmd_name, help=lazy.help, short_help=lazy.help)
        self.commands[cmd_name] = _load(cmd_name, lazy)
        return self.commands[cmd_name]

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in self.lazy and name not in self.commands:
            command = self.commands[name] = _load(name, self.lazy[name])
        return name, command, rest


def _listing(ctx: click.Context) -> bool:
    """True while the group prints its own help (the command list)."""
    return bool(ctx.meta.get("extractor.listing"))


def listing_help(format_help: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a group's help formatting so lazy commands are listed, not imported."""

    def wrapped(self: click.Command, ctx: click.Context, formatter: Any) -> Any:
        ctx.meta["extractor.listing"] = True
        try:
            return format_help(self, ctx, formatter)
        finally:
            ctx.meta.pop("extractor.listing", None)

    return wrapped


LazyGroup.format_help = listing_help(TyperGroup.format_help)  # type: ignore[method-assign]
