//! The page's own words, in English and Chinese. (Narration lives in the `narration` crate.)

use bilingual::Lang;

/// A UI string in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct T {
    /// English.
    pub en: &'static str,
    /// 中文.
    pub zh: &'static str,
}

impl T {
    /// The string in `lang` (a player has one language: see `Lang::is_en`).
    pub fn get(self, lang: Lang) -> &'static str {
        bilingual::pick(lang, self.en, self.zh)
    }
}

macro_rules! strings {
    ($($name:ident: $en:literal, $zh:literal;)*) => {
        $(#[doc = $en] pub const $name: T = T { en: $en, zh: $zh };)*
    };
}

strings! {
    TAGLINE: "See a real TCP state machine open and close a connection. Tap any segment to drop, delay or duplicate it.",
        "看一个真实的 TCP 状态机如何建立和关闭连接。点击任意报文段，即可让它丢失、延迟或重复。";
    EXPERIMENT: "Experiment", "实验";
    PROFILE: "Profile", "协议栈";
    LOSS: "Random loss (%)", "随机丢包率（%）";
    SEED: "Seed", "随机种子";
    DELAY: "One-way delay (ms)", "单向时延（毫秒）";
    INITIAL_RTO: "Initial RTO (ms)", "初始 RTO（毫秒）";
    MSL: "MSL (s)", "MSL（秒）";
    DELAYED_ACK: "Delayed ACK (ms, 0 = off)", "延迟确认（毫秒，0 为关闭）";
    SYN_RETRIES: "SYN retries", "SYN 重试次数";
    DATA_RETRIES: "Data retries", "数据重传次数";
    FIXED_ISN: "Textbook ISNs (1000 / 5000)", "教科书式初始序号（1000 / 5000）";
    KEEPALIVE: "Keep-alive (SO_KEEPALIVE)", "保活（SO_KEEPALIVE）";
    KEEPALIVE_IDLE: "Keep-alive idle (s)", "保活空闲时间（秒）";
    KEEPALIVE_INTERVAL: "Keep-alive interval (s)", "保活探测间隔（秒）";
    KEEPALIVE_PROBES: "Keep-alive probes", "保活探测次数";
    RELATIVE: "Relative numbers (as Wireshark)", "相对序号（同 Wireshark）";
    LANGUAGE: "中文", "English";
    SETTINGS: "Settings", "设置";
    RESET: "Reset settings", "恢复默认设置";
    FAULTS: "Your faults", "你添加的故障";
    CLEAR_FAULTS: "Remove all", "全部移除";
    PLAY: "Play", "播放";
    PAUSE: "Pause", "暂停";
    BACK: "Step back", "上一步";
    FORWARD: "Step forward", "下一步";
    START: "To the start", "回到开头";
    END: "To the end", "跳到结尾";
    SPEED: "Speed", "速度";
    STEP: "Step", "步骤";
    NARRATION: "What is happening", "发生了什么";
    STATES: "TCP state diagram (RFC 9293)", "TCP 状态图（RFC 9293）";
    EXCHANGE: "The exchange, as text", "报文段往来（文字版）";
    DISMISS: "Dismiss", "关闭";
    KEYS: "Keys: Space play/pause, ← → step, Home/End, Esc closes the inspector.",
        "快捷键：空格 播放/暂停，← → 单步，Home/End 首尾，Esc 关闭检查器。";
    RUN_TIME: "simulated and drawn in", "模拟与绘制耗时";
    SIMULATING: "Simulating your scenario:", "正在模拟你的场景：已完成";
    STEPS: "steps so far", "步";
    LAYING_OUT: "Drawing the diagram…", "正在绘制时序图……";
    CANCEL: "Cancel", "取消";
    LOST: "lost", "丢失";
    DROP: "drop", "丢弃";
    DELAY_BY: "delay", "延迟";
    DUPLICATE: "duplicate", "重复";
    YOUR_SCENARIO: "Your scenario", "你的场景";
    OPEN_FULL: "Open in synack ↗", "在 synack 中打开 ↗";
    EMBED: "Embed in your page", "嵌入到你的网页";
    EMBED_HINT: "Paste this into your post's HTML (it works on any blog that allows an iframe). The reader gets exactly this experiment.",
        "把下面的代码粘贴到文章的 HTML 中（任何允许 iframe 的博客都可以），读者看到的就是这个实验。";
    EMBED_SHOW: "Show", "显示";
    PART_PLAY: "Playback", "播放控制";
    PART_TEXT: "Narration", "讲解";
    PART_STATES: "State diagram", "状态图";
    PART_INSPECT: "Inspect and drop segments", "查看并丢弃报文段";
    PART_SETTINGS: "Settings", "设置";
    PART_EXPORT: "Export", "导出";
    PART_LANG: "中文 / English switch", "中文 / English 切换";
    PART_EXERCISE: "Exercises: predict, then reveal", "练习：先预测，再揭晓";
    EXERCISE_TITLE: "Predict, then reveal", "先预测，再揭晓";
    EXERCISE_START: "Start: the diagram stops before each question", "开始：图会停在每道题之前";
    EXERCISE_PLAY_ON: "Play on to the next question", "播放到下一题";
    EXERCISE_PLAY_FIRST: "Play to the first question", "播放到第一题";
    EXERCISE_SHOW_NOW: "Skip to it", "直接跳到该题";
    EXERCISE_AGAIN: "Start again", "重新开始";
    EXERCISE_END: "End the exercises", "结束练习";
    COMPARE_TITLE: "Compare with another run", "与另一次运行对比";
    COMPARE_INTRO: "The two diagrams side by side on one time axis, played together, with where they part marked in both.",
        "两张时序图并排显示，使用同一条时间轴，一起播放，并在两张图上标出它们开始不同的地方。";
    COMPARE_NO_FAULTS: "The same without its faults", "同一实验，去掉其中的故障";
    COMPARE_ON: "The same on", "同一实验，换用协议栈";
    COMPARE_SEED: "The same with seed", "同一实验，换用随机种子";
    COMPARE_PIN: "Pin this run, then change anything", "固定这次运行，再修改任意设置";
    COMPARE_THIS: "This run", "这次运行";
    COMPARE_OTHER: "Compared with", "对比运行";
    COMPARE_GO: "Go to where they part", "跳到开始不同的地方";
    COMPARE_STOP: "Stop comparing", "结束对比";
    EXERCISE_WITHHELD: "The narration comes back once you have answered: here it would tell.",
        "回答之后讲解会回来：此处的讲解会透露答案。";
    EXERCISE_NONE: "None of this experiment's exercises fits this run.", "这个实验的练习都不适用于这次运行。";
    EMBED_RANGE: "Only steps", "只显示步骤";
    EMBED_TO: "to", "至";
    AUTOPLAY: "Play when opened", "打开即播放";
    THEME: "Theme", "主题";
    THEME_AUTO: "Reader's setting", "跟随读者的系统";
    THEME_LIGHT: "Light", "浅色";
    THEME_DARK: "Dark", "深色";
    EMBED_CODE: "Embed code", "嵌入代码";
    COPY_EMBED: "Copy embed code", "复制嵌入代码";
    EMBED_COPIED: "Copied. Paste it into your post.", "已复制，粘贴到文章中即可。";
    EMBED_COPY_FAILED: "The browser did not allow copying: select the code and copy it yourself.",
        "浏览器不允许复制：请选中代码后手动复制。";
    PREVIEW: "Preview ↗", "预览 ↗";
    SKIP: "Skip to the diagram", "跳到时序图";
    DIAGRAM: "Sequence diagram", "时序图";
    OPEN_SCENARIO: "Open a scenario or a capture…", "打开场景或抓包文件……";
    OPEN_SCENARIO_HINT: "JSON or TOML scenario, or pcap/pcapng capture, read on your device only",
        "JSON 或 TOML 场景，或 pcap/pcapng 抓包，只在你的设备上读取";
    EMBED_SCRIPT_HINT: "The second line makes the frame as tall as the experiment, so your readers never scroll inside it. Without it the frame keeps the height set above.",
        "第二行让框架的高度随实验内容自动调整，读者无需在框架内滚动。没有这一行时，框架保持上面设置的高度。";
    HEIGHT_FALLBACK: "Height without the script (px)", "不加脚本时的高度（像素）";
    STEP_OF: "Step", "第";
    ODDS: "The odds under random loss", "随机丢包下的各种结局";
    ODDS_INTRO: "Runs this experiment many times with its random loss, each run with its own seed, and counts how each ended and how long it took. Tap a bar to open one of its runs.",
        "按当前的随机丢包率把这个实验运行许多次，每次使用不同的随机种子，统计每次的结局和耗时。点击任意一条柱即可打开其中的一次运行。";
    ODDS_NO_LOSS: "With no random loss every run is the same: set a loss first (here or in the settings).",
        "没有随机丢包时每次运行都完全相同：请先设定丢包率（在这里或在设置中）。";
    ODDS_RUNS_LABEL: "Runs", "运行次数";
    ODDS_RUN: "Run them", "开始运行";
    ODDS_RUNS: "runs", "次运行";
    ODDS_SEEDS: "seeds", "随机种子";
    ODDS_CLOSED: "Closed normally", "正常关闭";
    ODDS_RESET: "Reset (RST)", "被复位（RST）";
    ODDS_REFUSED: "Refused", "连接被拒绝";
    ODDS_TIMED_OUT: "Gave up (timed out)", "超时放弃";
    ODDS_LEFT_OPEN: "Still open when the run ended", "运行结束时仍未关闭";
    ODDS_LOST: "Lost in a crash", "随主机崩溃而丢失";
    ODDS_TO_ESTABLISHED: "When the first connection reached ESTABLISHED", "第一条连接进入 ESTABLISHED 的时刻";
    ODDS_FIRST_CLOSED: "When the first connection ended", "第一条连接结束的时刻";
    ODDS_PEER_CLOSED: "When the other end's connection ended", "对方的连接结束的时刻";
    ODDS_MEDIAN: "median", "中位数";
    ODDS_P99: "99th percentile", "第 99 百分位";
    ODDS_RUNS_OPEN: "runs; open one", "次运行，点击打开其中一次";
    ODDS_OPEN_ONE: "Open one of these runs", "打开其中一次运行";
    ODDS_NO_RUN: "No run got there.", "没有一次运行到达这一步。";
    ODDS_HOW: "Times are from the start of the run. The first connection is the one opened first (usually the client's); a run's outcome is what became of it. `synack odds` on the command line gives the same figures for the same seeds.",
        "时间从运行开始算起。第一条连接指最先建立的那条（通常是客户端的）；每次运行的结局就是它的结局。命令行的 `synack odds` 对同样的随机种子给出同样的数字。";

}
